#include "regend/domain/incident_events.h"

namespace regen::domain {
namespace {

// The timeline entry of an event; its outbox event is storage::outbox_event_for(entry).
storage::TimelineEntry make_entry(int64_t incident_id, std::string_view kind,
                                  std::string_view actor, JsonObjectText payload, Timestamp now) {
  storage::TimelineEntry entry;
  entry.incident_id = incident_id;
  entry.kind = std::string(kind);
  entry.actor = std::string(actor);
  entry.payload_json = std::move(payload.add("incident_id", incident_id)).finish();
  entry.at = now;
  return entry;
}

}  // namespace

storage::TimelineEntry record_incident_event(storage::WriteTx& tx, int64_t incident_id,
                                             std::string_view kind, std::string_view actor,
                                             JsonObjectText payload, Timestamp now) {
  storage::TimelineEntry entry = make_entry(incident_id, kind, actor, std::move(payload), now);
  entry.id = tx.append_timeline(entry);
  tx.enqueue_outbox(storage::outbox_event_for(entry));
  return entry;
}

void add_incident_event(storage::WriteTx& tx, int64_t incident_id, std::string_view kind,
                        std::string_view actor, JsonObjectText payload, Timestamp now) {
  tx.append_event(make_entry(incident_id, kind, actor, std::move(payload), now));
}

}  // namespace regen::domain
