#include "regend/domain/incident_events.h"

#include <boost/json/serialize.hpp>

namespace regen::domain {

storage::TimelineEntry record_incident_event(storage::WriteTx& tx, int64_t incident_id,
                                             std::string_view kind, std::string_view actor,
                                             boost::json::object payload, Timestamp now) {
  payload["incident_id"] = incident_id;
  std::string text = boost::json::serialize(payload);
  storage::TimelineEntry entry;
  entry.incident_id = incident_id;
  entry.kind = std::string(kind);
  entry.actor = std::string(actor);
  entry.payload_json = text;
  entry.at = now;
  entry.id = tx.append_timeline(entry);
  storage::OutboxEvent event;
  event.event_type = std::string(kind);
  event.incident_id = incident_id;
  event.payload_json = text;
  event.at = now;
  tx.enqueue_outbox(event);
  return entry;
}

}  // namespace regen::domain
