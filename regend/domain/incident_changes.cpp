#include "regend/domain/incident_changes.h"

#include <algorithm>

#include "regend/domain/incident_events.h"

namespace regen::domain {
using storage::IncidentRow;
using storage::WriteTx;

namespace {

// One changed field: recorded as "<field>_changed" with the previous and new values (null for
// none).
void record_change(WriteTx& tx, const IncidentRow& incident, std::string_view field,
                   std::optional<std::string_view> from, std::optional<std::string_view> to,
                   std::string_view actor, Timestamp now) {
  record_incident_event(
      tx, incident.id, std::string(field) + "_changed", actor,
      JsonObjectText().add("field", field).add_optional("from", from).add_optional("to", to), now);
}

}  // namespace

IncidentRow create_incident(WriteTx& tx, const NewIncident& input, std::string_view actor,
                            Timestamp now) {
  IncidentRow incident;
  incident.title = input.title;
  incident.severity = input.severity;
  incident.summary = input.summary;
  incident.status = IncidentStatus::kTriggered;
  incident.created_at = incident.updated_at = now;
  incident = tx.insert_incident(incident);
  record_incident_event(tx, incident.id, "incident_created", actor,
                        JsonObjectText()
                            .add("incident_number", incident.incident_number)
                            .add("title", incident.title)
                            .add("severity", to_string(incident.severity))
                            .add_bool("manual", true),
                        now);
  return incident;
}

PatchOutcome apply_patch(WriteTx& tx, IncidentRow incident, const IncidentPatch& patch,
                         std::string_view actor, Timestamp now) {
  PatchOutcome outcome;
  const IncidentStatus from = incident.status;
  const bool status_changes = patch.status && *patch.status != from;
  if (status_changes) {
    std::vector<IncidentStatus> allowed = allowed_transitions(from);
    if (std::find(allowed.begin(), allowed.end(), *patch.status) == allowed.end()) {
      outcome.refused = TransitionRefused{from, *patch.status, std::move(allowed)};
      outcome.incident = std::move(incident);
      return outcome;
    }
  }
  IncidentRow before = incident;
  if (status_changes) {
    incident.status = *patch.status;
    if (incident.status == IncidentStatus::kAcknowledged) incident.acknowledged_at = now;
    if (incident.status == IncidentStatus::kResolved) incident.resolved_at = now;
    outcome.changed.emplace_back("status");
  }
  if (patch.severity && *patch.severity != incident.severity) {
    incident.severity = *patch.severity;
    outcome.changed.emplace_back("severity");
  }
  if (patch.summary && *patch.summary != incident.summary) {
    incident.summary = *patch.summary;
    outcome.changed.emplace_back("summary");
  }
  if (patch.commander && *patch.commander != incident.commander) {
    incident.commander = *patch.commander;
    outcome.changed.emplace_back("commander");
  }
  if (outcome.changed.empty()) {
    outcome.incident = std::move(incident);
    return outcome;
  }
  incident.updated_at = now;
  tx.update_incident(incident);
  for (const std::string& field : outcome.changed) {
    if (field == "status") {
      record_change(tx, incident, field, to_string(before.status), to_string(incident.status),
                    actor, now);
    } else if (field == "severity") {
      record_change(tx, incident, field, to_string(before.severity), to_string(incident.severity),
                    actor, now);
    } else if (field == "summary") {
      record_change(tx, incident, field, before.summary, incident.summary, actor, now);
    } else {
      record_change(tx, incident, field, before.commander, incident.commander, actor, now);
    }
  }
  outcome.incident = std::move(incident);
  return outcome;
}

storage::TimelineEntry add_note(WriteTx& tx, int64_t incident_id, std::string_view text,
                                std::string_view actor, Timestamp now) {
  return record_incident_event(tx, incident_id, "note", actor, JsonObjectText().add("text", text),
                               now);
}

bool acknowledge_alert(WriteTx& tx, const storage::AlertRow& alert, std::string_view actor,
                       Timestamp now) {
  if (!tx.acknowledge_alert(alert.id, now)) return false;
  if (alert.incident_id) {
    record_incident_event(tx, *alert.incident_id, "alert_acknowledged", actor,
                          JsonObjectText()
                              .add("alert_id", alert.id)
                              .add("source", alert.alert.source)
                              .add("external_id", alert.alert.external_id)
                              .add("title", alert.alert.title),
                          now);
  }
  return true;
}

}  // namespace regen::domain
