#include "regend/domain/incident_events.h"

namespace regen::domain {
namespace {

struct IncidentEvent {
  storage::TimelineEntry entry;
  storage::OutboxEvent event;
};

IncidentEvent make_event(int64_t incident_id, std::string_view kind, std::string_view actor,
                         JsonObjectText payload, Timestamp now) {
  std::string text = std::move(payload.add("incident_id", incident_id)).finish();
  IncidentEvent out;
  out.entry.incident_id = incident_id;
  out.entry.kind = std::string(kind);
  out.entry.actor = std::string(actor);
  out.entry.payload_json = text;
  out.entry.at = now;
  out.event.event_type = std::string(kind);
  out.event.incident_id = incident_id;
  out.event.payload_json = std::move(text);
  out.event.at = now;
  return out;
}

}  // namespace

storage::TimelineEntry record_incident_event(storage::WriteTx& tx, int64_t incident_id,
                                             std::string_view kind, std::string_view actor,
                                             JsonObjectText payload, Timestamp now) {
  IncidentEvent made = make_event(incident_id, kind, actor, std::move(payload), now);
  made.entry.id = tx.append_timeline(made.entry);
  tx.enqueue_outbox(made.event);
  return made.entry;
}

void add_incident_event(storage::WriteTx& tx, int64_t incident_id, std::string_view kind,
                        std::string_view actor, JsonObjectText payload, Timestamp now) {
  IncidentEvent made = make_event(incident_id, kind, actor, std::move(payload), now);
  tx.append_event(made.entry, made.event);
}

}  // namespace regen::domain
