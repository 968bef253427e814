#include "regend/domain/ingestion.h"

#include "regend/domain/incident_events.h"

namespace regen::domain {
using storage::AlertRow;
using storage::IncidentRow;
using storage::WriteTx;

namespace {

// Changes made by ingestion are the system's.
void record(WriteTx& tx, int64_t incident_id, std::string_view kind, JsonObjectText payload,
            Timestamp now) {
  add_incident_event(tx, incident_id, kind, kSystemActor, std::move(payload), now);
}

JsonObjectText describe(const AlertRow& row) {
  JsonObjectText payload;
  payload.add("alert_id", row.id)
      .add("source", row.alert.source)
      .add("external_id", row.alert.external_id)
      .add("title", row.alert.title)
      .add("severity", to_string(row.alert.severity))
      .add("occurrence", row.occurrence);
  return payload;
}

// Same content: a redelivery of a firing alert changes nothing.
bool same_content(const NormalizedAlert& stored, const NormalizedAlert& incoming) {
  return stored.title == incoming.title && stored.description == incoming.description &&
         stored.severity == incoming.severity && stored.labels == incoming.labels &&
         stored.annotations == incoming.annotations && stored.started_at == incoming.started_at;
}

// What routing decides for an alert: its stored severity, and whether it is suppressed and
// wants an incident.
struct Routing {
  Severity severity;
  bool suppressed = false;
  bool wants_incident = true;
};

Routing routing_of(const RuleSet& rules, const NormalizedAlert& alert) {
  Routing routing{alert.severity};
  const RoutingRule* rule = rules.route(alert);
  if (rule == nullptr) return routing;
  if (rule->severity_override) routing.severity = *rule->severity_override;
  routing.suppressed = rule->suppress;
  routing.wants_incident = !rule->suppress && rule->create_incident;
  return routing;
}

// The key of the incident group a firing alert routed this way joins, if a grouping rule
// matches it (grouping sees the routed severity).
std::optional<std::string> group_key_of(const RuleSet& rules, const NormalizedAlert& alert,
                                        const Routing& routing) {
  const NormalizedAlert* routed = &alert;
  NormalizedAlert overridden;
  if (routing.severity != alert.severity) {
    overridden = alert;
    overridden.severity = routing.severity;
    routed = &overridden;
  }
  const GroupingRule* rule = rules.group(*routed);
  if (rule == nullptr) return std::nullopt;
  return group_key(*rule, *routed);
}

// Tells the transaction what applying `submissions` will look up (WriteTx::prefetch): every
// alert first, then the groups of those that will look for an incident (new alerts and resolved
// ones firing again). Two steps, so that updates of firing alerts lock no group; the second only
// when the backend took the first.
void prefetch(WriteTx& tx, const RuleSet& rules, std::span<const Submission* const> submissions) {
  std::vector<storage::AlertKey> keys;
  for (const Submission* submission : submissions) {
    for (const NormalizedAlert& alert : submission->alerts) {
      keys.push_back({alert.source, alert.external_id});
    }
  }
  if (!tx.prefetch(keys, {})) return;
  std::vector<std::string> groups;
  for (const Submission* submission : submissions) {
    for (const NormalizedAlert& alert : submission->alerts) {
      if (alert.status != AlertStatus::kFiring) continue;
      std::optional<AlertRow> existing = tx.find_alert(alert.source, alert.external_id);
      if (existing && existing->alert.status == AlertStatus::kFiring) continue;
      const Routing routing = routing_of(rules, alert);
      if (!routing.wants_incident) continue;
      if (std::optional<std::string> key = group_key_of(rules, alert, routing)) {
        groups.push_back(std::move(*key));
      }
    }
  }
  if (!groups.empty()) tx.prefetch({}, groups);
}

class Applier {
 public:
  Applier(WriteTx& tx, const RuleSet& rules, Timestamp now, const IngestionSettings& settings,
          SubmissionResult& result)
      : tx_(tx), rules_(rules), now_(now), settings_(settings), result_(result) {}

  void apply(const NormalizedAlert& incoming) {
    std::optional<AlertRow> existing = tx_.find_alert(incoming.source, incoming.external_id);
    if (!existing) return create(incoming);
    if (existing->alert.status == AlertStatus::kFiring) {
      if (incoming.status == AlertStatus::kResolved) return resolve(*existing, incoming);
      return refresh(*existing, incoming);
    }
    if (incoming.status == AlertStatus::kFiring) return refire(*existing, incoming);
    // Resolved and resolved again: a replay.
  }

 private:
  // Routing decides the stored severity and whether an incident is wanted.
  bool route(AlertRow& row) {
    const Routing routing = routing_of(rules_, row.alert);
    row.alert.severity = routing.severity;
    row.suppressed = routing.suppressed;
    return routing.wants_incident;
  }

  // The incident is chosen before the alert row is written, so the row is written once, with
  // its incident (an insert then an update would rewrite the row and its indexes).
  void create(const NormalizedAlert& incoming) {
    AlertRow row;
    row.alert = incoming;
    row.received_at = row.updated_at = now_;
    ++result_.created;
    if (incoming.status == AlertStatus::kResolved) {
      if (!row.alert.ended_at) row.alert.ended_at = now_;
      row.id = tx_.insert_alert(row);
      return;
    }
    const bool wants_incident = route(row);
    if (wants_incident) row.incident_id = open_or_join_incident(row);
    row.id = tx_.insert_alert(row);
    if (wants_incident) link(row);
  }

  void refresh(AlertRow& row, const NormalizedAlert& incoming) {
    NormalizedAlert routed = incoming;
    AlertRow probe = row;
    probe.alert = incoming;
    route(probe);  // compare what would be stored, after any severity override
    routed.severity = probe.alert.severity;
    if (same_content(row.alert, routed)) return;
    std::string raw = incoming.raw;
    row.alert = routed;
    row.alert.raw = std::move(raw);
    row.updated_at = now_;
    tx_.update_alert(row);
    ++result_.updated;
  }

  void resolve(AlertRow& row, const NormalizedAlert& incoming) {
    row.alert.status = AlertStatus::kResolved;
    row.alert.ended_at = incoming.ended_at.value_or(now_);
    row.updated_at = now_;
    tx_.update_alert(row);
    ++result_.updated;
    std::optional<int64_t> incident_id = tx_.resolve_link(row.id, row.occurrence, now_);
    if (!incident_id) return;
    record(tx_, *incident_id, "alert_resolved", describe(row), now_);
    // The incident's row is locked before its links are counted. A transaction linking
    // another alert to it holds that lock from the moment it looked the incident up, so the
    // count waits for it to commit and sees its link; counted first, the incident could be
    // declared all-resolved (and auto-resolved) with a firing alert just linked to it.
    std::optional<IncidentRow> incident = tx_.find_incident(*incident_id);
    if (tx_.count_unresolved_links(*incident_id) == 0) all_resolved(*incident_id, incident);
  }

  void all_resolved(int64_t incident_id, std::optional<IncidentRow>& incident) {
    record(tx_, incident_id, "all_alerts_resolved", JsonObjectText(), now_);
    if (!settings_.auto_resolve) return;
    if (!incident || !is_open(incident->status)) return;
    JsonObjectText change;
    change.add("from", to_string(incident->status))
        .add("to", "resolved")
        .add("reason", "all alerts resolved");
    incident->status = IncidentStatus::kResolved;
    incident->resolved_at = now_;
    incident->updated_at = now_;
    tx_.update_incident(*incident);
    record(tx_, incident_id, "status_changed", std::move(change), now_);
  }

  // A resolved alert firing again is a new occurrence: routed and grouped afresh.
  void refire(AlertRow& row, const NormalizedAlert& incoming) {
    row.alert = incoming;
    row.alert.ended_at.reset();
    row.occurrence += 1;
    row.updated_at = now_;
    row.suppressed = false;
    row.incident_id.reset();
    const bool wants_incident = route(row);
    if (wants_incident) row.incident_id = open_or_join_incident(row);
    tx_.update_alert(row);
    ++result_.created;
    if (wants_incident) link(row);
  }

  // The incident the alert joins: the newest open one of its group within the window, else a
  // new one. Returns its id.
  int64_t open_or_join_incident(const AlertRow& row) {
    const GroupingRule* rule = rules_.group(row.alert);
    std::optional<std::string> key;
    std::optional<IncidentRow> incident;
    if (rule != nullptr) {
      key = group_key(*rule, row.alert);  // as group_key_of finds it for prefetch
      incident = tx_.find_open_incident(*key, now_ - rule->window);
    }
    if (!incident) incident = open_incident(row, key);
    return incident->id;
  }

  // Links the stored occurrence to its incident (row.incident_id) and records it.
  void link(const AlertRow& row) {
    tx_.link_alert(*row.incident_id, row.id, row.occurrence, now_);
    record(tx_, *row.incident_id, "alert_linked", describe(row), now_);
  }

  IncidentRow open_incident(const AlertRow& row, const std::optional<std::string>& key) {
    IncidentRow incident;
    incident.title = row.alert.title;
    incident.severity = row.alert.severity;
    incident.status = IncidentStatus::kTriggered;
    incident.group_key = key;
    incident.created_at = incident.updated_at = now_;
    incident = tx_.insert_incident(incident);
    ++result_.incidents_created;
    ++result_.incidents_by_severity[static_cast<std::size_t>(incident.severity)];
    record(tx_, incident.id, "incident_created",
           JsonObjectText()
               .add("incident_number", incident.incident_number)
               .add("title", incident.title)
               .add("severity", to_string(incident.severity))
               .add_optional("group_key", key),
           now_);
    return incident;
  }

  WriteTx& tx_;
  const RuleSet& rules_;
  const Timestamp now_;
  const IngestionSettings& settings_;
  SubmissionResult& result_;
};

SubmissionResult apply_one(WriteTx& tx, const RuleSet& rules, const Submission& submission,
                           Timestamp now, const IngestionSettings& settings) {
  SubmissionResult result;
  result.received = submission.alerts.size();
  if (submission.delivery_id &&
      !tx.record_delivery(submission.source, *submission.delivery_id, now)) {
    result.replayed_delivery = true;
    return result;
  }
  Applier applier(tx, rules, now, settings, result);
  for (const NormalizedAlert& alert : submission.alerts) applier.apply(alert);
  return result;
}

}  // namespace

std::vector<SubmissionResult> apply(WriteTx& tx, const RuleSet& rules,
                                    std::span<const Submission* const> submissions, Timestamp now,
                                    const IngestionSettings& settings) {
  prefetch(tx, rules, submissions);
  std::vector<SubmissionResult> results;
  results.reserve(submissions.size());
  for (const Submission* submission : submissions) {
    results.push_back(apply_one(tx, rules, *submission, now, settings));
  }
  return results;
}

SubmissionResult apply(WriteTx& tx, const RuleSet& rules, const Submission& submission,
                       Timestamp now, const IngestionSettings& settings) {
  const Submission* one = &submission;
  return apply(tx, rules, std::span(&one, 1), now, settings).front();
}

std::optional<std::string> incident_group(const RuleSet& rules, const NormalizedAlert& alert) {
  const Routing routing = routing_of(rules, alert);
  if (!routing.wants_incident) return std::nullopt;
  return group_key_of(rules, alert, routing);
}

}  // namespace regen::domain
