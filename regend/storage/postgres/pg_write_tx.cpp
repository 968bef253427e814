#include "regend/storage/postgres/pg_write_tx.h"

#include "regend/storage/rule_loader.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "regend/storage/row_codec.h"
#include "regend/storage/rule_loader.h"

namespace regen::storage {
namespace {

#define REGEN_ALERT_COLUMNS                                                              \
  "id, source, external_id, title, description, severity, status, labels, annotations, " \
  "started_at, ended_at, received_at, updated_at, occurrence, suppressed, incident_id, raw"
#define REGEN_INCIDENT_COLUMNS                                                                \
  "id, incident_number, title, severity, status, summary, commander, group_key, created_at, " \
  "updated_at, acknowledged_at, resolved_at"

constexpr const char kFindAlert[] = "SELECT " REGEN_ALERT_COLUMNS
                                    " FROM alerts WHERE source = $1 AND external_id = $2"
                                    " FOR UPDATE";
constexpr const char kInsertAlert[] =
    "INSERT INTO alerts (source, external_id, title, description, severity, status, labels, "
    "annotations, started_at, ended_at, received_at, updated_at, occurrence, suppressed, "
    "incident_id, raw) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
    "$16) ON CONFLICT (source, external_id) DO NOTHING RETURNING id";
constexpr const char kUpdateAlert[] =
    "UPDATE alerts SET source = $1, external_id = $2, title = $3, description = $4, "
    "severity = $5, status = $6, labels = $7, annotations = $8, started_at = $9, ended_at = $10, "
    "received_at = $11, updated_at = $12, occurrence = $13, suppressed = $14, incident_id = $15, "
    "raw = $16 WHERE id = $17";

// The partial index incidents_open_by_group serves this query: its WHERE repeats the index's.
constexpr const char kFindOpenIncident[] =
    "SELECT " REGEN_INCIDENT_COLUMNS
    " FROM incidents WHERE group_key = $1 AND status IN ('triggered', 'acknowledged')"
    " AND created_at >= $2 ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE";
constexpr const char kFindIncident[] =
    "SELECT " REGEN_INCIDENT_COLUMNS " FROM incidents WHERE id = $1";
constexpr const char kInsertIncident[] =
    "INSERT INTO incidents (incident_number, title, severity, status, summary, commander, "
    "group_key, created_at, updated_at, acknowledged_at, resolved_at) VALUES "
    "(nextval('incident_number_seq'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "RETURNING " REGEN_INCIDENT_COLUMNS;
constexpr const char kUpdateIncident[] =
    "UPDATE incidents SET title = $1, severity = $2, status = $3, summary = $4, commander = $5, "
    "group_key = $6, created_at = $7, updated_at = $8, acknowledged_at = $9, resolved_at = $10 "
    "WHERE id = $11";

#undef REGEN_ALERT_COLUMNS
#undef REGEN_INCIDENT_COLUMNS

// First key of the two-key advisory locks taken on group keys (the second is the key's hash);
// the migration lock uses the one-key space, which never collides with this one.
constexpr int32_t kGroupLockClass = 0x52470001;

std::vector<PgParam> alert_params(const AlertRow& row) {
  const domain::NormalizedAlert& alert = row.alert;
  return {alert.source,
          alert.external_id,
          alert.title,
          alert.description,
          domain::to_string(alert.severity),
          domain::to_string(alert.status),
          encode_map(alert.labels),
          encode_map(alert.annotations),
          alert.started_at,
          alert.ended_at,
          row.received_at,
          row.updated_at,
          row.occurrence,
          row.suppressed,
          row.incident_id,
          alert.raw};
}

std::vector<PgParam> incident_params(const IncidentRow& row) {
  return {row.title,
          domain::to_string(row.severity),
          domain::to_string(row.status),
          row.summary,
          row.commander,
          row.group_key,
          row.created_at,
          row.updated_at,
          row.acknowledged_at,
          row.resolved_at};
}

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

}  // namespace

std::optional<AlertRow> PgWriteTx::find_alert(std::string_view source,
                                              std::string_view external_id) {
  PgResult result = db_.exec(kFindAlert, {source, external_id});
  if (result.rows() == 0) return std::nullopt;
  return read_alert(result, 0);
}

int64_t PgWriteTx::insert_alert(const AlertRow& row) {
  PgResult result = db_.exec(kInsertAlert, alert_params(row));
  // No row: another transaction inserted this (source, external_id) after our find_alert and
  // committed. A retry of the whole batch finds it and updates it instead.
  if (result.rows() == 0) {
    throw StoreError(ErrorCode::kUnavailable, "concurrent insert of the same alert; retry");
  }
  return result.int64(0, 0);
}

void PgWriteTx::update_alert(const AlertRow& row) {
  std::vector<PgParam> params = alert_params(row);
  params.emplace_back(row.id);
  db_.exec(kUpdateAlert, params);
}

std::optional<IncidentRow> PgWriteTx::find_open_incident(std::string_view group_key,
                                                         Timestamp not_before) {
  // FOR UPDATE alone cannot stop two writers that both find no open incident from both
  // creating one; this lock, held until commit, makes the look-and-create of a group atomic.
  db_.exec("SELECT pg_advisory_xact_lock($1, hashtext($2))", {kGroupLockClass, group_key});
  PgResult result = db_.exec(kFindOpenIncident, {group_key, not_before});
  if (result.rows() == 0) return std::nullopt;
  return read_incident(result, 0);
}

std::optional<IncidentRow> PgWriteTx::find_incident(int64_t id) {
  PgResult result = db_.exec(kFindIncident, {id});
  if (result.rows() == 0) return std::nullopt;
  return read_incident(result, 0);
}

IncidentRow PgWriteTx::insert_incident(const IncidentRow& row) {
  return read_incident(db_.exec(kInsertIncident, incident_params(row)), 0);
}

void PgWriteTx::update_incident(const IncidentRow& row) {
  std::vector<PgParam> params = incident_params(row);
  params.emplace_back(row.id);
  db_.exec(kUpdateIncident, params);
}

void PgWriteTx::link_alert(int64_t incident_id, int64_t alert_id, int64_t occurrence,
                           Timestamp at) {
  db_.exec(
      "INSERT INTO incident_alerts (incident_id, alert_id, occurrence, linked_at) "
      "VALUES ($1, $2, $3, $4)",
      {incident_id, alert_id, occurrence, at});
}

std::optional<int64_t> PgWriteTx::resolve_link(int64_t alert_id, int64_t occurrence, Timestamp at) {
  PgResult result = db_.exec(
      "UPDATE incident_alerts SET resolved_at = $3 WHERE alert_id = $1 AND occurrence = $2 "
      "AND resolved_at IS NULL RETURNING incident_id",
      {alert_id, occurrence, at});
  if (result.rows() == 0) return std::nullopt;
  return result.int64(0, 0);
}

int64_t PgWriteTx::count_unresolved_links(int64_t incident_id) {
  return db_
      .exec("SELECT count(*) FROM incident_alerts WHERE incident_id = $1 AND resolved_at IS NULL",
            {incident_id})
      .int64(0, 0);
}

void PgWriteTx::append_timeline(const TimelineEntry& entry) {
  db_.exec(
      "INSERT INTO timeline (incident_id, kind, actor, payload, created_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {entry.incident_id, entry.kind, entry.actor, entry.payload_json, entry.at});
}

void PgWriteTx::enqueue_outbox(const OutboxEvent& event) {
  db_.exec(
      "INSERT INTO outbox (event_type, incident_id, payload, created_at) VALUES ($1, $2, $3, $4)",
      {event.event_type, event.incident_id, event.payload_json, event.at});
}

bool PgWriteTx::record_delivery(std::string_view source, std::string_view delivery_id,
                                Timestamp at) {
  return db_.exec(
                "INSERT INTO webhook_deliveries (source, delivery_id, received_at) "
                "VALUES ($1, $2, $3) ON CONFLICT (source, delivery_id) DO NOTHING",
                {source, delivery_id, at})
             .affected() == 1;
}

std::vector<TimelineEntry> PgWriteTx::list_timeline(int64_t incident_id) {
  PgResult result = db_.exec(
      "SELECT incident_id, kind, actor, payload, created_at FROM timeline WHERE incident_id = $1 "
      "ORDER BY created_at, id",
      {incident_id});
  std::vector<TimelineEntry> entries;
  entries.reserve(result.rows());
  for (int i = 0; i < result.rows(); ++i) {
    entries.push_back({result.int64(i, 0), result.text(i, 1), result.text(i, 2), result.text(i, 3),
                       result.time(i, 4)});
  }
  return entries;
}

int64_t PgWriteTx::count_outbox() { return db_.exec("SELECT count(*) FROM outbox").int64(0, 0); }

// Every instance sharing the database sees the new version and reloads its rule cache. The row
// lock it takes also serializes concurrent rule changes.
void PgWriteTx::bump_rules_version() {
  db_.exec("UPDATE rules_version SET version = version + 1 WHERE id = 1");
}

int64_t PgWriteTx::insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) {
  const int64_t id =
      db_.exec(
             "INSERT INTO routing_rules (name, priority, enabled, match, actions, created_at, "
             "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
             {rule.name, rule.priority, rule.enabled, rule.match_json, rule.actions_json, at})
          .int64(0, 0);
  bump_rules_version();
  return id;
}

int64_t PgWriteTx::insert_grouping_rule(const domain::GroupingRuleRecord& rule, Timestamp at) {
  const int64_t id = db_.exec(
                            "INSERT INTO grouping_rules (name, priority, enabled, match, group_by, "
                            "window_s, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                            "$7, $7) RETURNING id",
                            {rule.name, rule.priority, rule.enabled, rule.match_json,
                             rule.group_by_json, rule.window_s, at})
                         .int64(0, 0);
  bump_rules_version();
  return id;
}

int64_t PgWriteTx::rules_version() {
  PgResult result = db_.exec("SELECT version FROM rules_version WHERE id = 1");
  return result.rows() > 0 ? result.int64(0, 0) : 0;
}

domain::RuleSet PgWriteTx::load_rules() {
  RuleSetBuilder builder(rules_version());
  PgResult routing =
      db_.exec("SELECT id, name, priority, enabled, match, actions FROM routing_rules");
  for (int i = 0; i < routing.rows(); ++i) {
    builder.add(
        routing.int64(i, 0),
        domain::RoutingRuleRecord{routing.text(i, 1), routing.int64(i, 2), routing.boolean(i, 3),
                                  routing.text(i, 4), routing.text(i, 5)});
  }
  PgResult grouping =
      db_.exec("SELECT id, name, priority, enabled, match, group_by, window_s FROM grouping_rules");
  for (int i = 0; i < grouping.rows(); ++i) {
    builder.add(grouping.int64(i, 0),
                domain::GroupingRuleRecord{grouping.text(i, 1), grouping.int64(i, 2),
                                           grouping.boolean(i, 3), grouping.text(i, 4),
                                           grouping.text(i, 5), grouping.int64(i, 6)});
  }
  return std::move(builder).finish();
}

}  // namespace regen::storage
