#include "regend/storage/sqlite/sqlite_tx.h"

#include "regend/storage/list_queries.h"
#include "regend/storage/sqlite/sqlite_rows.h"

namespace regen::storage {
namespace {

const std::string kFindOpenIncident =
    std::string("SELECT ") + kIncidentColumns +
    " FROM incidents WHERE group_key = ?1 AND status IN ('triggered', 'acknowledged')"
    " AND created_at >= ?2 ORDER BY created_at DESC, id DESC LIMIT 1";
// The partial unique index api_tokens_active_name is the conflict target: a name held by a
// token not revoked inserts nothing, and returns no id.
const std::string kInsertToken =
    "INSERT INTO api_tokens (key_id, name, role, secret_hash, created_at, last_used_at, "
    "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING RETURNING id";

// Text bound without SQLite copying it (SQLITE_STATIC). REQUIRES: `text` stays valid and
// unchanged until the statement has been executed: these bind the written rows' own fields and
// the Tx's buffers, and the statement runs right after. Saves a copy and an allocation per
// column on the write path (raw payloads are the largest column).
void bind_view(SQLite::Statement& st, int index, const std::string& text) {
  st.bindNoCopy(index, text);
}

// Binds the record's columns to ?1.. in the order the rule statements list them.
void bind_rule(SQLite::Statement& st, const domain::RoutingRuleRecord& rule) {
  st.bind(1, rule.name);
  st.bind(2, rule.priority);
  st.bind(3, rule.enabled ? 1 : 0);
  st.bind(4, rule.match_json);
  st.bind(5, rule.actions_json);
}
void bind_rule(SQLite::Statement& st, const domain::GroupingRuleRecord& rule) {
  st.bind(1, rule.name);
  st.bind(2, rule.priority);
  st.bind(3, rule.enabled ? 1 : 0);
  st.bind(4, rule.match_json);
  st.bind(5, rule.group_by_json);
  st.bind(6, rule.window_s);
}

}  // namespace

void SqliteStore::Tx::bind_alert(SQLite::Statement& st, const AlertRow& row) {
  labels_json_ = encode_map(row.alert.labels);
  annotations_json_ = encode_map(row.alert.annotations);
  bind_view(st, 1, row.alert.source);
  bind_view(st, 2, row.alert.external_id);
  bind_view(st, 3, row.alert.title);
  bind_view(st, 4, row.alert.description);
  st.bind(5, std::string(domain::to_string(row.alert.severity)));
  st.bind(6, std::string(domain::to_string(row.alert.status)));
  bind_view(st, 7, labels_json_);
  bind_view(st, 8, annotations_json_);
  bind_optional(st, 9, row.alert.started_at);
  bind_optional(st, 10, row.alert.ended_at);
  st.bind(11, static_cast<int64_t>(to_millis(row.received_at)));
  st.bind(12, static_cast<int64_t>(to_millis(row.updated_at)));
  st.bind(13, static_cast<int64_t>(row.occurrence));
  st.bind(14, row.suppressed ? 1 : 0);
  bind_optional(st, 15, row.incident_id);
  bind_view(st, 16, row.alert.raw);
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

bool SqliteStore::Tx::acknowledge_alert(int64_t id, Timestamp at) {
  SQLite::Statement& st =
      statement("UPDATE alerts SET acknowledged_at = ?2 WHERE id = ?1 AND acknowledged_at IS NULL");
  st.bind(1, id);
  bind_time(st, 2, at);
  return st.exec() == 1;
}

std::optional<IncidentRow> SqliteStore::Tx::find_open_incident(std::string_view group_key,
                                                               Timestamp not_before) {
  SQLite::Statement& st = statement(kFindOpenIncident.c_str());
  st.bind(1, std::string(group_key));
  st.bind(2, static_cast<int64_t>(to_millis(not_before)));
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
  // The write lock (IMMEDIATE) makes MAX()+1 race-free, and nothing else inserts incidents
  // until the transaction ends, so the number is read once per transaction and counted on
  // from there; numbers are never reused because incidents are never deleted. Two plain
  // statements rather than one INSERT with a subquery and RETURNING: SQLite buffers RETURNING
  // rows in an ephemeral table, and opening one costs more than the insert itself.
  if (!next_incident_number_) {
    SQLite::Statement& next =
        statement("SELECT COALESCE(MAX(incident_number), 0) + 1 FROM incidents");
    next_incident_number_ = single_int(next);
    next.reset();
  }
  IncidentRow stored = row;
  stored.incident_number = *next_incident_number_;
  SQLite::Statement& st = statement(
      "INSERT INTO incidents (incident_number, title, severity, status, summary, commander, "
      "group_key, created_at, updated_at, acknowledged_at, resolved_at) VALUES "
      "(?11, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  bind_incident(st, row);
  st.bind(11, static_cast<int64_t>(stored.incident_number));
  st.exec();
  stored.id = db_.getLastInsertRowid();
  ++*next_incident_number_;
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
  return single_int(st);
}

int64_t SqliteStore::Tx::append_timeline(const TimelineEntry& entry) {
  SQLite::Statement& st = statement(
      "INSERT INTO timeline (incident_id, kind, actor, payload, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  st.bind(1, static_cast<int64_t>(entry.incident_id));
  bind_view(st, 2, entry.kind);
  bind_view(st, 3, entry.actor);
  bind_view(st, 4, entry.payload_json);
  st.bind(5, static_cast<int64_t>(to_millis(entry.at)));
  st.exec();
  return db_.getLastInsertRowid();
}

void SqliteStore::Tx::enqueue_outbox(const OutboxEvent& event) {
  SQLite::Statement& st = statement(
      "INSERT INTO outbox (event_type, incident_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)");
  bind_view(st, 1, event.event_type);
  bind_optional(st, 2, event.incident_id);
  bind_view(st, 3, event.payload_json);
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

void SqliteStore::Tx::bump_rules_version() {
  statement("UPDATE rules_version SET version = version + 1 WHERE id = 1").exec();
}

int64_t SqliteStore::Tx::insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) {
  SQLite::Statement& st = statement(
      "INSERT INTO routing_rules (name, priority, enabled, match, actions, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  bind_rule(st, rule);
  bind_time(st, 6, at);
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
  bind_rule(st, rule);
  bind_time(st, 7, at);
  st.exec();
  int64_t id = db_.getLastInsertRowid();
  bump_rules_version();
  return id;
}

bool SqliteStore::Tx::change_rule(SQLite::Statement& st) {
  if (st.exec() == 0) return false;
  bump_rules_version();
  return true;
}

bool SqliteStore::Tx::update_routing_rule(int64_t id, const domain::RoutingRuleRecord& rule,
                                          Timestamp at) {
  SQLite::Statement& st = statement(
      "UPDATE routing_rules SET name = ?1, priority = ?2, enabled = ?3, match = ?4, "
      "actions = ?5, updated_at = ?6 WHERE id = ?7");
  bind_rule(st, rule);
  bind_time(st, 6, at);
  st.bind(7, id);
  return change_rule(st);
}

bool SqliteStore::Tx::update_grouping_rule(int64_t id, const domain::GroupingRuleRecord& rule,
                                           Timestamp at) {
  SQLite::Statement& st = statement(
      "UPDATE grouping_rules SET name = ?1, priority = ?2, enabled = ?3, match = ?4, "
      "group_by = ?5, window_s = ?6, updated_at = ?7 WHERE id = ?8");
  bind_rule(st, rule);
  bind_time(st, 7, at);
  st.bind(8, id);
  return change_rule(st);
}

bool SqliteStore::Tx::delete_routing_rule(int64_t id, Timestamp /*at*/) {
  SQLite::Statement& st = statement("DELETE FROM routing_rules WHERE id = ?1");
  st.bind(1, id);
  return change_rule(st);
}

bool SqliteStore::Tx::delete_grouping_rule(int64_t id, Timestamp /*at*/) {
  SQLite::Statement& st = statement("DELETE FROM grouping_rules WHERE id = ?1");
  st.bind(1, id);
  return change_rule(st);
}

int64_t SqliteStore::Tx::insert_token(const TokenRow& token) {
  SQLite::Statement& st = statement(kInsertToken.c_str());
  st.bind(1, token.key_id);
  st.bind(2, token.name);
  st.bind(3, std::string(domain::to_string(token.role)));
  st.bind(4, token.secret_hash);
  bind_time(st, 5, token.created_at);
  bind_optional(st, 6, token.last_used_at);
  bind_optional(st, 7, token.revoked_at);
  if (!st.executeStep()) {
    throw StoreError(ErrorCode::kConflict, "a token named '" + token.name + "' already exists");
  }
  int64_t id = st.getColumn(0).getInt64();
  st.reset();  // finish the statement: RETURNING rows are produced as it steps
  return id;
}

bool SqliteStore::Tx::revoke_token(std::string_view name, Timestamp at) {
  SQLite::Statement& st =
      statement("UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL");
  st.bind(1, std::string(name));
  bind_time(st, 2, at);
  return st.exec() > 0;
}

void SqliteStore::Tx::touch_token(int64_t id, Timestamp at) {
  SQLite::Statement& st = statement("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1");
  st.bind(1, id);
  bind_time(st, 2, at);
  st.exec();
}

}  // namespace regen::storage
