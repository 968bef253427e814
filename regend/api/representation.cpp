#include "regend/api/representation.h"

#include <boost/json/parse.hpp>

#include "regend/ingest/timestamps.h"

namespace regen::api {
namespace json = boost::json;

namespace {

json::value seconds_between(domain::Timestamp from, const std::optional<domain::Timestamp>& to) {
  if (!to) return nullptr;
  return static_cast<double>((*to - from).count()) / 1000.0;
}

json::object map_json(const std::map<std::string, std::string>& values) {
  json::object object;
  for (const auto& [key, value] : values) object[key] = value;
  return object;
}

// Stored JSON columns were validated on the way in; a column that no longer parses is shown as
// its text rather than failing the whole response.
json::value stored_json(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return json::value(text);
  return value;
}

json::value optional_text(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

}  // namespace

json::value time_json(const std::optional<domain::Timestamp>& at) {
  if (!at) return nullptr;
  return json::value(ingest::format_rfc3339(*at));
}

json::object incident_json(const storage::IncidentRow& incident) {
  return json::object{
      {"id", incident.id},
      {"incident_number", incident.incident_number},
      {"title", incident.title},
      {"severity", to_string(incident.severity)},
      {"status", to_string(incident.status)},
      {"summary", incident.summary},
      {"commander", optional_text(incident.commander)},
      {"group_key", optional_text(incident.group_key)},
      {"created_at", time_json(incident.created_at)},
      {"updated_at", time_json(incident.updated_at)},
      {"acknowledged_at", time_json(incident.acknowledged_at)},
      {"resolved_at", time_json(incident.resolved_at)},
      {"time_to_acknowledge_s", seconds_between(incident.created_at, incident.acknowledged_at)},
      {"time_to_resolve_s", seconds_between(incident.created_at, incident.resolved_at)},
  };
}

json::object alert_json(const storage::AlertRow& row) {
  const domain::NormalizedAlert& alert = row.alert;
  return json::object{
      {"id", row.id},
      {"source", alert.source},
      {"external_id", alert.external_id},
      {"title", alert.title},
      {"description", alert.description},
      {"severity", to_string(alert.severity)},
      {"status", to_string(alert.status)},
      {"labels", map_json(alert.labels)},
      {"annotations", map_json(alert.annotations)},
      {"started_at", time_json(alert.started_at)},
      {"ended_at", time_json(alert.ended_at)},
      {"received_at", time_json(row.received_at)},
      {"updated_at", time_json(row.updated_at)},
      {"occurrence", row.occurrence},
      {"suppressed", row.suppressed},
      {"incident_id", row.incident_id ? json::value(*row.incident_id) : json::value(nullptr)},
      {"acknowledged_at", time_json(row.acknowledged_at)},
  };
}

json::object timeline_json(const storage::TimelineEntry& entry) {
  return json::object{{"id", entry.id},
                      {"incident_id", entry.incident_id},
                      {"kind", entry.kind},
                      {"actor", entry.actor},
                      {"payload", stored_json(entry.payload_json)},
                      {"at", time_json(entry.at)}};
}

json::object routing_rule_json(const storage::StoredRoutingRule& rule) {
  return json::object{{"id", rule.id},
                      {"name", rule.record.name},
                      {"priority", rule.record.priority},
                      {"enabled", rule.record.enabled},
                      {"match", stored_json(rule.record.match_json)},
                      {"actions", stored_json(rule.record.actions_json)},
                      {"created_at", time_json(rule.created_at)},
                      {"updated_at", time_json(rule.updated_at)}};
}

json::object grouping_rule_json(const storage::StoredGroupingRule& rule) {
  return json::object{{"id", rule.id},
                      {"name", rule.record.name},
                      {"priority", rule.record.priority},
                      {"enabled", rule.record.enabled},
                      {"match", stored_json(rule.record.match_json)},
                      {"group_by", stored_json(rule.record.group_by_json)},
                      {"window_s", rule.record.window_s},
                      {"created_at", time_json(rule.created_at)},
                      {"updated_at", time_json(rule.updated_at)}};
}

json::object list_json(json::array data, int64_t total, int64_t limit, int64_t offset,
                       const std::optional<std::string>& next_cursor) {
  return json::object{{"data", std::move(data)},
                      {"total", total},
                      {"limit", limit},
                      {"offset", offset},
                      {"next_cursor", optional_text(next_cursor)}};
}

}  // namespace regen::api
