#include "regend/storage/sqlite/sqlite_tx.h"

#include <spdlog/spdlog.h>

#include "regend/storage/row_codec.h"
#include "regend/storage/rule_loader.h"

namespace regen::storage {
namespace {

constexpr const char kAlertColumns[] =
    "id, source, external_id, title, description, severity, status, labels, annotations, "
    "started_at, ended_at, received_at, updated_at, occurrence, suppressed, incident_id, raw";
constexpr const char kIncidentColumns[] =
    "id, incident_number, title, severity, status, summary, commander, group_key, created_at, "
    "updated_at, acknowledged_at, resolved_at";

const std::string kFindAlert =
    std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE source = ?1 AND external_id = ?2";
const std::string kIncidentSelect = std::string("SELECT ") + kIncidentColumns + " FROM incidents";
const std::string kFindOpenIncident =
    kIncidentSelect +
    " WHERE group_key = ?1 AND status IN ('triggered', 'acknowledged') AND created_at >= ?2"
    " ORDER BY created_at DESC, id DESC LIMIT 1";
const std::string kFindIncident = kIncidentSelect + " WHERE id = ?1";

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

template <typename T>
void bind_optional(SQLite::Statement& st, int index, const std::optional<T>& value) {
  if (!value) {
    st.bind(index);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    st.bind(index, static_cast<int64_t>(to_millis(*value)));
  } else {
    st.bind(index, *value);
  }
}

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
  row.received_at = from_millis(st.getColumn(11).getInt64());
  row.updated_at = from_millis(st.getColumn(12).getInt64());
  row.occurrence = st.getColumn(13).getInt64();
  row.suppressed = st.getColumn(14).getInt() != 0;
  row.incident_id = optional_int(st.getColumn(15));
  row.alert.raw = st.getColumn(16).getString();
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
  row.created_at = from_millis(st.getColumn(8).getInt64());
  row.updated_at = from_millis(st.getColumn(9).getInt64());
  row.acknowledged_at = optional_time(st.getColumn(10));
  row.resolved_at = optional_time(st.getColumn(11));
  return row;
}

}  // namespace

void SqliteStore::Tx::reset_statements() {
  for (auto& [sql, statement] : statements_) statement->reset();
}

SQLite::Statement& SqliteStore::Tx::statement(const char* sql) {
  auto& slot = statements_[sql];
  if (slot == nullptr) {
    slot = std::make_unique<SQLite::Statement>(db_, sql);
  } else {
    slot->reset();
    slot->clearBindings();
  }
  return *slot;
}

std::optional<AlertRow> SqliteStore::Tx::find_alert(std::string_view source,
                                                    std::string_view external_id) {
  SQLite::Statement& st = statement(kFindAlert.c_str());
  st.bind(1, std::string(source));
  st.bind(2, std::string(external_id));
  if (!st.executeStep()) return std::nullopt;
  return read_alert(st);
}

void SqliteStore::Tx::bind_alert(SQLite::Statement& st, const AlertRow& row) {
  st.bind(1, row.alert.source);
  st.bind(2, row.alert.external_id);
  st.bind(3, row.alert.title);
  st.bind(4, row.alert.description);
  st.bind(5, std::string(domain::to_string(row.alert.severity)));
  st.bind(6, std::string(domain::to_string(row.alert.status)));
  st.bind(7, encode_map(row.alert.labels));
  st.bind(8, encode_map(row.alert.annotations));
  bind_optional(st, 9, row.alert.started_at);
  bind_optional(st, 10, row.alert.ended_at);
  st.bind(11, static_cast<int64_t>(to_millis(row.received_at)));
  st.bind(12, static_cast<int64_t>(to_millis(row.updated_at)));
  st.bind(13, static_cast<int64_t>(row.occurrence));
  st.bind(14, row.suppressed ? 1 : 0);
  bind_optional(st, 15, row.incident_id);
  st.bind(16, row.alert.raw);
}

int64_t SqliteStore::Tx::insert_alert(const AlertRow& row) {
  SQLite::Statement& st = statement(
      "INSERT INTO alerts (source, external_id, title, description, severity, status, labels, "
      "annotations, started_at, ended_at, received_at, updated_at, occurrence, suppressed, "
      "incident_id, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16)");
  bind_alert(st, row);
  st.exec();
  return db_.getLastInsertRowid();
}

void SqliteStore::Tx::update_alert(const AlertRow& row) {
  SQLite::Statement& st = statement(
      "UPDATE alerts SET source = ?1, external_id = ?2, title = ?3, description = ?4, "
      "severity = ?5, status = ?6, labels = ?7, annotations = ?8, started_at = ?9, ended_at = ?10, "
      "received_at = ?11, updated_at = ?12, occurrence = ?13, suppressed = ?14, incident_id = ?15, "
      "raw = ?16 WHERE id = ?17");
  bind_alert(st, row);
  st.bind(17, static_cast<int64_t>(row.id));
  st.exec();
}

std::optional<IncidentRow> SqliteStore::Tx::find_open_incident(std::string_view group_key,
                                                               Timestamp not_before) {
  SQLite::Statement& st = statement(kFindOpenIncident.c_str());
  st.bind(1, std::string(group_key));
  st.bind(2, static_cast<int64_t>(to_millis(not_before)));
  if (!st.executeStep()) return std::nullopt;
  return read_incident(st);
}

std::optional<IncidentRow> SqliteStore::Tx::find_incident(int64_t id) {
  SQLite::Statement& st = statement(kFindIncident.c_str());
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return std::nullopt;
  return read_incident(st);
}

void SqliteStore::Tx::bind_incident(SQLite::Statement& st, const IncidentRow& row) {
  st.bind(1, row.title);
  st.bind(2, std::string(domain::to_string(row.severity)));
  st.bind(3, std::string(domain::to_string(row.status)));
  st.bind(4, row.summary);
  bind_optional(st, 5, row.commander);
  bind_optional(st, 6, row.group_key);
  st.bind(7, static_cast<int64_t>(to_millis(row.created_at)));
  st.bind(8, static_cast<int64_t>(to_millis(row.updated_at)));
  bind_optional(st, 9, row.acknowledged_at);
  bind_optional(st, 10, row.resolved_at);
}

IncidentRow SqliteStore::Tx::insert_incident(const IncidentRow& row) {
  // The single write connection makes MAX()+1 race-free; numbers are never reused because
  // incidents are never deleted.
  SQLite::Statement& st = statement(
      "INSERT INTO incidents (incident_number, title, severity, status, summary, commander, "
      "group_key, created_at, updated_at, acknowledged_at, resolved_at) VALUES "
      "((SELECT COALESCE(MAX(incident_number), 0) + 1 FROM incidents), ?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10) RETURNING id, incident_number");
  bind_incident(st, row);
  if (!st.executeStep()) throw StoreError(ErrorCode::kInternal, "incident insert returned no row");
  IncidentRow stored = row;
  stored.id = st.getColumn(0).getInt64();
  stored.incident_number = st.getColumn(1).getInt64();
  st.reset();  // finish the statement: its read of incidents ends here
  return stored;
}

void SqliteStore::Tx::update_incident(const IncidentRow& row) {
  SQLite::Statement& st = statement(
      "UPDATE incidents SET title = ?1, severity = ?2, status = ?3, summary = ?4, commander = ?5, "
      "group_key = ?6, created_at = ?7, updated_at = ?8, acknowledged_at = ?9, resolved_at = ?10 "
      "WHERE id = ?11");
  bind_incident(st, row);
  st.bind(11, static_cast<int64_t>(row.id));
  st.exec();
}

void SqliteStore::Tx::link_alert(int64_t incident_id, int64_t alert_id, int64_t occurrence,
                                 Timestamp at) {
  SQLite::Statement& st = statement(
      "INSERT INTO incident_alerts (incident_id, alert_id, occurrence, linked_at) "
      "VALUES (?1, ?2, ?3, ?4)");
  st.bind(1, static_cast<int64_t>(incident_id));
  st.bind(2, static_cast<int64_t>(alert_id));
  st.bind(3, static_cast<int64_t>(occurrence));
  st.bind(4, static_cast<int64_t>(to_millis(at)));
  st.exec();
}

std::optional<int64_t> SqliteStore::Tx::resolve_link(int64_t alert_id, int64_t occurrence,
                                                     Timestamp at) {
  SQLite::Statement& st = statement(
      "UPDATE incident_alerts SET resolved_at = ?3 WHERE alert_id = ?1 AND occurrence = ?2 "
      "AND resolved_at IS NULL RETURNING incident_id");
  st.bind(1, static_cast<int64_t>(alert_id));
  st.bind(2, static_cast<int64_t>(occurrence));
  st.bind(3, static_cast<int64_t>(to_millis(at)));
  if (!st.executeStep()) return std::nullopt;
  int64_t incident_id = st.getColumn(0).getInt64();
  while (st.executeStep()) {
  }
  return incident_id;
}

int64_t SqliteStore::Tx::count_unresolved_links(int64_t incident_id) {
  SQLite::Statement& st = statement(
      "SELECT COUNT(*) FROM incident_alerts WHERE incident_id = ?1 AND resolved_at IS NULL");
  st.bind(1, static_cast<int64_t>(incident_id));
  st.executeStep();
  return st.getColumn(0).getInt64();
}

void SqliteStore::Tx::append_timeline(const TimelineEntry& entry) {
  SQLite::Statement& st = statement(
      "INSERT INTO timeline (incident_id, kind, actor, payload, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  st.bind(1, static_cast<int64_t>(entry.incident_id));
  st.bind(2, entry.kind);
  st.bind(3, entry.actor);
  st.bind(4, entry.payload_json);
  st.bind(5, static_cast<int64_t>(to_millis(entry.at)));
  st.exec();
}

void SqliteStore::Tx::enqueue_outbox(const OutboxEvent& event) {
  SQLite::Statement& st = statement(
      "INSERT INTO outbox (event_type, incident_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)");
  st.bind(1, event.event_type);
  bind_optional(st, 2, event.incident_id);
  st.bind(3, event.payload_json);
  st.bind(4, static_cast<int64_t>(to_millis(event.at)));
  st.exec();
}

bool SqliteStore::Tx::record_delivery(std::string_view source, std::string_view delivery_id,
                                      Timestamp at) {
  SQLite::Statement& st = statement(
      "INSERT INTO webhook_deliveries (source, delivery_id, received_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (source, delivery_id) DO NOTHING");
  st.bind(1, std::string(source));
  st.bind(2, std::string(delivery_id));
  st.bind(3, static_cast<int64_t>(to_millis(at)));
  return st.exec() == 1;
}

std::vector<TimelineEntry> SqliteStore::Tx::list_timeline(int64_t incident_id) {
  SQLite::Statement& st = statement(
      "SELECT incident_id, kind, actor, payload, created_at FROM timeline WHERE incident_id = ?1 "
      "ORDER BY created_at, id");
  st.bind(1, static_cast<int64_t>(incident_id));
  std::vector<TimelineEntry> entries;
  while (st.executeStep()) {
    entries.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                       st.getColumn(2).getString(), st.getColumn(3).getString(),
                       from_millis(st.getColumn(4).getInt64())});
  }
  return entries;
}

int64_t SqliteStore::Tx::count_outbox() {
  SQLite::Statement& st = statement("SELECT COUNT(*) FROM outbox");
  st.executeStep();
  return st.getColumn(0).getInt64();
}

void SqliteStore::Tx::bump_rules_version() {
  statement("UPDATE rules_version SET version = version + 1 WHERE id = 1").exec();
}

int64_t SqliteStore::Tx::insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) {
  SQLite::Statement& st = statement(
      "INSERT INTO routing_rules (name, priority, enabled, match, actions, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  st.bind(1, rule.name);
  st.bind(2, static_cast<int64_t>(rule.priority));
  st.bind(3, rule.enabled ? 1 : 0);
  st.bind(4, rule.match_json);
  st.bind(5, rule.actions_json);
  st.bind(6, static_cast<int64_t>(to_millis(at)));
  st.exec();
  int64_t id = db_.getLastInsertRowid();
  bump_rules_version();
  return id;
}

int64_t SqliteStore::Tx::insert_grouping_rule(const domain::GroupingRuleRecord& rule,
                                              Timestamp at) {
  SQLite::Statement& st = statement(
      "INSERT INTO grouping_rules (name, priority, enabled, match, group_by, window_s, "
      "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
  st.bind(1, rule.name);
  st.bind(2, static_cast<int64_t>(rule.priority));
  st.bind(3, rule.enabled ? 1 : 0);
  st.bind(4, rule.match_json);
  st.bind(5, rule.group_by_json);
  st.bind(6, static_cast<int64_t>(rule.window_s));
  st.bind(7, static_cast<int64_t>(to_millis(at)));
  st.exec();
  int64_t id = db_.getLastInsertRowid();
  bump_rules_version();
  return id;
}

int64_t SqliteStore::Tx::rules_version() {
  SQLite::Statement& st = statement("SELECT version FROM rules_version WHERE id = 1");
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

domain::RuleSet SqliteStore::Tx::load_rules() {
  RuleSetBuilder builder(rules_version());
  SQLite::Statement& routing =
      statement("SELECT id, name, priority, enabled, match, actions FROM routing_rules");
  while (routing.executeStep()) {
    builder.add(routing.getColumn(0).getInt64(),
                domain::RoutingRuleRecord{
                    routing.getColumn(1).getString(), routing.getColumn(2).getInt64(),
                    routing.getColumn(3).getInt() != 0, routing.getColumn(4).getString(),
                    routing.getColumn(5).getString()});
  }
  SQLite::Statement& grouping = statement(
      "SELECT id, name, priority, enabled, match, group_by, window_s FROM grouping_rules");
  while (grouping.executeStep()) {
    builder.add(grouping.getColumn(0).getInt64(),
                domain::GroupingRuleRecord{
                    grouping.getColumn(1).getString(), grouping.getColumn(2).getInt64(),
                    grouping.getColumn(3).getInt() != 0, grouping.getColumn(4).getString(),
                    grouping.getColumn(5).getString(), grouping.getColumn(6).getInt64()});
  }
  return std::move(builder).finish();
}

}  // namespace regen::storage
