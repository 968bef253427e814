#include "regend/storage/postgres/pg_rows.h"

#include <variant>

#include "regend/storage/row_codec.h"

namespace regen::storage {

AlertRow read_alert(const PgResult& r, int i) {
  AlertRow row;
  row.id = r.int64(i, 0);
  row.alert.source = r.text(i, 1);
  row.alert.external_id = r.text(i, 2);
  row.alert.title = r.text(i, 3);
  row.alert.description = r.text(i, 4);
  row.alert.severity = domain::parse_severity(r.view(i, 5)).value_or(domain::Severity::kWarning);
  row.alert.status =
      domain::parse_alert_status(r.view(i, 6)).value_or(domain::AlertStatus::kFiring);
  row.alert.labels = decode_map(r.view(i, 7));
  row.alert.annotations = decode_map(r.view(i, 8));
  row.alert.started_at = r.optional_time(i, 9);
  row.alert.ended_at = r.optional_time(i, 10);
  row.received_at = r.time(i, 11);
  row.updated_at = r.time(i, 12);
  row.occurrence = r.int64(i, 13);
  row.suppressed = r.boolean(i, 14);
  row.incident_id = r.optional_int64(i, 15);
  row.alert.raw = r.text(i, 16);
  row.acknowledged_at = r.optional_time(i, 17);
  return row;
}

IncidentRow read_incident(const PgResult& r, int i) {
  IncidentRow row;
  row.id = r.int64(i, 0);
  row.incident_number = r.int64(i, 1);
  row.title = r.text(i, 2);
  row.severity = domain::parse_severity(r.view(i, 3)).value_or(domain::Severity::kWarning);
  row.status =
      domain::parse_incident_status(r.view(i, 4)).value_or(domain::IncidentStatus::kTriggered);
  row.summary = r.text(i, 5);
  row.commander = r.optional_text(i, 6);
  row.group_key = r.optional_text(i, 7);
  row.created_at = r.time(i, 8);
  row.updated_at = r.time(i, 9);
  row.acknowledged_at = r.optional_time(i, 10);
  row.resolved_at = r.optional_time(i, 11);
  return row;
}

TokenRow read_token(const PgResult& r, int i) {
  TokenRow row;
  row.id = r.int64(i, 0);
  row.key_id = r.text(i, 1);
  row.name = r.text(i, 2);
  // An unknown role grants the least: the schema's CHECK makes it unreachable anyway.
  row.role = domain::parse_role(r.view(i, 3)).value_or(domain::Role::kViewer);
  row.secret_hash = r.text(i, 4);
  row.created_at = r.time(i, 5);
  row.last_used_at = r.optional_time(i, 6);
  row.revoked_at = r.optional_time(i, 7);
  return row;
}

TimelineEntry read_timeline_entry(const PgResult& r, int i) {
  TimelineEntry entry;
  entry.id = r.int64(i, 0);
  entry.incident_id = r.int64(i, 1);
  entry.kind = r.text(i, 2);
  entry.actor = r.text(i, 3);
  entry.payload_json = r.text(i, 4);
  entry.at = r.time(i, 5);
  return entry;
}

StoredRoutingRule read_routing_rule(const PgResult& r, int i) {
  StoredRoutingRule rule;
  rule.id = r.int64(i, 0);
  rule.record.name = r.text(i, 1);
  rule.record.priority = r.int64(i, 2);
  rule.record.enabled = r.boolean(i, 3);
  rule.record.match_json = r.text(i, 4);
  rule.record.actions_json = r.text(i, 5);
  rule.created_at = r.time(i, 6);
  rule.updated_at = r.time(i, 7);
  return rule;
}

StoredGroupingRule read_grouping_rule(const PgResult& r, int i) {
  StoredGroupingRule rule;
  rule.id = r.int64(i, 0);
  rule.record.name = r.text(i, 1);
  rule.record.priority = r.int64(i, 2);
  rule.record.enabled = r.boolean(i, 3);
  rule.record.match_json = r.text(i, 4);
  rule.record.group_by_json = r.text(i, 5);
  rule.record.window_s = r.int64(i, 6);
  rule.created_at = r.time(i, 7);
  rule.updated_at = r.time(i, 8);
  return rule;
}

std::vector<PgParam> pg_params(const SqlQuery& query) {
  std::vector<PgParam> params;
  params.reserve(query.params.size());
  for (const SqlValue& value : query.params) {
    std::visit([&](const auto& v) { params.emplace_back(v); }, value);
  }
  return params;
}

}  // namespace regen::storage
