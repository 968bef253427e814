#include "regend/storage/sqlite/sqlite_rows.h"

namespace regen::storage {
namespace {

std::optional<int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}
std::optional<Timestamp> optional_time(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return from_millis(column.getInt64());
}
std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}
Timestamp time(const SQLite::Column& column) { return from_millis(column.getInt64()); }

}  // namespace

AlertRow read_alert(SQLite::Statement& st) {
  AlertRow row;
  row.id = st.getColumn(0).getInt64();
  row.alert.source = st.getColumn(1).getString();
  row.alert.external_id = st.getColumn(2).getString();
  row.alert.title = st.getColumn(3).getString();
  row.alert.description = st.getColumn(4).getString();
  row.alert.severity =
      domain::parse_severity(st.getColumn(5).getString()).value_or(domain::Severity::kWarning);
  row.alert.status = domain::parse_alert_status(st.getColumn(6).getString())
                         .value_or(domain::AlertStatus::kFiring);
  row.alert.labels = decode_map(st.getColumn(7).getString());
  row.alert.annotations = decode_map(st.getColumn(8).getString());
  row.alert.started_at = optional_time(st.getColumn(9));
  row.alert.ended_at = optional_time(st.getColumn(10));
  row.received_at = time(st.getColumn(11));
  row.updated_at = time(st.getColumn(12));
  row.occurrence = st.getColumn(13).getInt64();
  row.suppressed = st.getColumn(14).getInt() != 0;
  row.incident_id = optional_int(st.getColumn(15));
  row.alert.raw = st.getColumn(16).getString();
  row.acknowledged_at = optional_time(st.getColumn(17));
  return row;
}

IncidentRow read_incident(SQLite::Statement& st) {
  IncidentRow row;
  row.id = st.getColumn(0).getInt64();
  row.incident_number = st.getColumn(1).getInt64();
  row.title = st.getColumn(2).getString();
  row.severity =
      domain::parse_severity(st.getColumn(3).getString()).value_or(domain::Severity::kWarning);
  row.status = domain::parse_incident_status(st.getColumn(4).getString())
                   .value_or(domain::IncidentStatus::kTriggered);
  row.summary = st.getColumn(5).getString();
  row.commander = optional_text(st.getColumn(6));
  row.group_key = optional_text(st.getColumn(7));
  row.created_at = time(st.getColumn(8));
  row.updated_at = time(st.getColumn(9));
  row.acknowledged_at = optional_time(st.getColumn(10));
  row.resolved_at = optional_time(st.getColumn(11));
  return row;
}

TokenRow read_token(SQLite::Statement& st) {
  TokenRow row;
  row.id = st.getColumn(0).getInt64();
  row.key_id = st.getColumn(1).getString();
  row.name = st.getColumn(2).getString();
  // An unknown role grants the least: the schema's CHECK makes it unreachable anyway.
  row.role = domain::parse_role(st.getColumn(3).getString()).value_or(domain::Role::kViewer);
  row.secret_hash = st.getColumn(4).getString();
  row.created_at = time(st.getColumn(5));
  row.last_used_at = optional_time(st.getColumn(6));
  row.revoked_at = optional_time(st.getColumn(7));
  return row;
}

TimelineEntry read_timeline_entry(SQLite::Statement& st) {
  TimelineEntry entry;
  entry.id = st.getColumn(0).getInt64();
  entry.incident_id = st.getColumn(1).getInt64();
  entry.kind = st.getColumn(2).getString();
  entry.actor = st.getColumn(3).getString();
  entry.payload_json = st.getColumn(4).getString();
  entry.at = time(st.getColumn(5));
  return entry;
}

StoredRoutingRule read_routing_rule(SQLite::Statement& st) {
  StoredRoutingRule rule;
  rule.id = st.getColumn(0).getInt64();
  rule.record.name = st.getColumn(1).getString();
  rule.record.priority = st.getColumn(2).getInt64();
  rule.record.enabled = st.getColumn(3).getInt() != 0;
  rule.record.match_json = st.getColumn(4).getString();
  rule.record.actions_json = st.getColumn(5).getString();
  rule.created_at = time(st.getColumn(6));
  rule.updated_at = time(st.getColumn(7));
  return rule;
}

StoredGroupingRule read_grouping_rule(SQLite::Statement& st) {
  StoredGroupingRule rule;
  rule.id = st.getColumn(0).getInt64();
  rule.record.name = st.getColumn(1).getString();
  rule.record.priority = st.getColumn(2).getInt64();
  rule.record.enabled = st.getColumn(3).getInt() != 0;
  rule.record.match_json = st.getColumn(4).getString();
  rule.record.group_by_json = st.getColumn(5).getString();
  rule.record.window_s = st.getColumn(6).getInt64();
  rule.created_at = time(st.getColumn(7));
  rule.updated_at = time(st.getColumn(8));
  return rule;
}

void bind_all(SQLite::Statement& st, const SqlQuery& query) {
  for (std::size_t i = 0; i < query.params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* number = std::get_if<int64_t>(&query.params[i])) {
      st.bind(index, *number);
    } else {
      st.bind(index, std::get<std::string>(query.params[i]));
    }
  }
}

}  // namespace regen::storage
