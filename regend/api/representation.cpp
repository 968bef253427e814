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

json::object map_json(const std::map<std::string, std::string>& values, json::storage_ptr sp) {
  json::object object(values.size(), sp);
  for (const auto& [key, value] : values) object.emplace(key, value);
  return object;
}

// Stored JSON columns were validated on the way in; a column that no longer parses is shown as
// its text rather than failing the whole response.
json::value stored_json(const std::string& text, json::storage_ptr sp = {}) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, sp);
  if (ec) return json::value(text, sp);
  return value;
}

json::value optional_text(const std::optional<std::string>& text, json::storage_ptr sp = {}) {
  return text ? json::value(*text, sp) : json::value(nullptr, sp);
}

}  // namespace

json::value time_json(const std::optional<domain::Timestamp>& at, json::storage_ptr sp) {
  if (!at) return json::value(nullptr, sp);
  // ingest::format_rfc3339's text, written digit by digit: a list page formats hundreds of
  // times, and snprintf was a measurable share of rendering one.
  const auto day = std::chrono::floor<std::chrono::days>(*at);
  const std::chrono::year_month_day date(day);
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) return json::value(ingest::format_rfc3339(*at), sp);
  const auto ms = static_cast<unsigned>((*at - day).count());
  char text[] = "0000-00-00T00:00:00.000Z";
  auto put = [&text](std::size_t at_index, unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) text[at_index + i] = '0' + value % 10;
  };
  put(0, static_cast<unsigned>(year), 4);
  put(5, static_cast<unsigned>(date.month()), 2);
  put(8, static_cast<unsigned>(date.day()), 2);
  put(11, ms / 3'600'000, 2);
  put(14, ms / 60'000 % 60, 2);
  put(17, ms / 1000 % 60, 2);
  put(20, ms % 1000, 3);
  return json::value(json::string_view(text, sizeof text - 1), sp);
}

json::object incident_json(const storage::IncidentRow& incident, json::storage_ptr sp) {
  return json::object(
      {
          {"id", incident.id},
          {"incident_number", incident.incident_number},
          {"title", incident.title},
          {"severity", to_string(incident.severity)},
          {"status", to_string(incident.status)},
          {"summary", incident.summary},
          {"commander", optional_text(incident.commander, sp)},
          {"group_key", optional_text(incident.group_key, sp)},
          {"created_at", time_json(incident.created_at, sp)},
          {"updated_at", time_json(incident.updated_at, sp)},
          {"acknowledged_at", time_json(incident.acknowledged_at, sp)},
          {"resolved_at", time_json(incident.resolved_at, sp)},
          {"time_to_acknowledge_s", seconds_between(incident.created_at, incident.acknowledged_at)},
          {"time_to_resolve_s", seconds_between(incident.created_at, incident.resolved_at)},
      },
      sp);
}

json::object alert_json(const storage::AlertRow& row, json::storage_ptr sp) {
  const domain::NormalizedAlert& alert = row.alert;
  return json::object(
      {
          {"id", row.id},
          {"source", alert.source},
          {"external_id", alert.external_id},
          {"title", alert.title},
          {"description", alert.description},
          {"severity", to_string(alert.severity)},
          {"status", to_string(alert.status)},
          {"labels", map_json(alert.labels, sp)},
          {"annotations", map_json(alert.annotations, sp)},
          {"started_at", time_json(alert.started_at, sp)},
          {"ended_at", time_json(alert.ended_at, sp)},
          {"received_at", time_json(row.received_at, sp)},
          {"updated_at", time_json(row.updated_at, sp)},
          {"occurrence", row.occurrence},
          {"suppressed", row.suppressed},
          {"incident_id", row.incident_id ? json::value(*row.incident_id) : json::value(nullptr)},
          {"acknowledged_at", time_json(row.acknowledged_at, sp)},
      },
      sp);
}

json::object timeline_json(const storage::TimelineEntry& entry, json::storage_ptr sp) {
  return json::object({{"id", entry.id},
                       {"incident_id", entry.incident_id},
                       {"kind", entry.kind},
                       {"actor", entry.actor},
                       {"payload", stored_json(entry.payload_json, sp)},
                       {"at", time_json(entry.at, sp)}},
                      sp);
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
                       const std::optional<std::string>& next_cursor, bool total_exact) {
  json::storage_ptr sp = data.storage();
  return json::object({{"data", std::move(data)},
                       {"total", total},
                       {"total_exact", total_exact},
                       {"limit", limit},
                       {"offset", offset},
                       {"next_cursor", optional_text(next_cursor, sp)}},
                      sp);
}

}  // namespace regen::api
