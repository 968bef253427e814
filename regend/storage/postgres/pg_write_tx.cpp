#include "regend/storage/postgres/pg_write_tx.h"

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

#include "regend/storage/list_queries.h"
#include "regend/storage/postgres/pg_array.h"
#include "regend/storage/postgres/pg_rows.h"
#include "regend/storage/row_codec.h"

namespace regen::storage {
namespace {

// Every statement is a PgStatement, prepared once per connection unless said otherwise. Those
// whose results the operation does not return are deferred (PgConnection::defer): they ride
// along with the next statement that needs an answer, or with the COMMIT.
//
// The lookups of alerts and open incidents, the group locks and the id draw are
// PgBufferedRows::kMayWait: buffered rows are new alerts (which the transaction answers from
// known_alerts_ and never looks up again), links and timeline/outbox rows, none of which those
// statements read. So a batch that grows while it is built (GroupCommitWriter::apply_growing)
// still sends one INSERT per table, not one per round.

// Planned per execution, with its values and the table's current size. On a table not yet
// analyzed (a new database, until autovacuum's first ANALYZE) the generic plan ties the unique
// (source, external_id) index with alerts_by_source_received, takes the latter and filters on
// external_id: it reads every alert of the source (300 µs instead of 14 at 15,000 alerts).
const PgStatement kFindAlertForUpdate(std::string("SELECT ") + kAlertColumns +
                                          " FROM alerts WHERE source = $1 AND external_id = $2"
                                          " FOR UPDATE",
                                      PgPlanning::kPerExecution, PgBufferedRows::kMayWait);
const std::string kIncidentForUpdate =
    std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE ";
const PgStatement kFindIncidentForUpdate(kIncidentForUpdate + "id = $1 FOR UPDATE");
const PgStatement kFindIncidentByNumberForUpdate(kIncidentForUpdate +
                                                 "incident_number = $1 FOR UPDATE");

// Rows of a new alert, of its link and of its incident events are buffered (PgRowBatch) and go
// out as one statement per table, before the next statement that must see them or the COMMIT:
// a batch of 64 alerts costs the server 3 statements instead of 192. The order puts each table
// before those whose foreign keys reference it (incidents are inserted at once, not buffered).
//
// An alert's id is drawn beforehand (kNextAlertIds), so nothing waits for the insert. No ON
// CONFLICT: a concurrent insert of the same alert fails it with a unique violation, which
// query_error reports as kUnavailable (a retry finds the row), and a plain insert skips the
// speculative insertion's extra index probe and WAL record.
const PgRowBatch kInsertAlerts(
    "INSERT INTO alerts (source, external_id, title, description, severity, status, labels, "
    "annotations, started_at, ended_at, received_at, updated_at, occurrence, suppressed, "
    "incident_id, raw, id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
    "$5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[], "
    "$12::bigint[], $13::bigint[], $14::boolean[], $15::bigint[], $16::text[], $17::bigint[])",
    17, 0);
const PgRowBatch kLinkAlerts(
    "INSERT INTO incident_alerts (incident_id, alert_id, occurrence, linked_at) "
    "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])",
    4, 1);
// An incident event's timeline row and the outbox row announcing it (outbox_event_for: the
// same kind, incident, payload and time, so each is sent once). Timeline ids follow the rows'
// order (the sort feeds the insert in it), so entries keep the order they were added in.
const PgRowBatch kAppendEvents(
    "WITH event AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
    "$5::bigint[]) WITH ORDINALITY AS e(incident_id, kind, actor, payload, created_at, n)), "
    "entry AS (INSERT INTO timeline (incident_id, kind, actor, payload, created_at) "
    "SELECT incident_id, kind, actor, payload, created_at FROM event ORDER BY n) "
    "INSERT INTO outbox (event_type, incident_id, payload, created_at) "
    "SELECT kind, incident_id, payload, created_at FROM event ORDER BY n",
    5, 2);

// WriteTx::prefetch's reads. The alerts' is planned per execution like kFindAlertForUpdate,
// once per batch. Rows are locked in the order of the keys, which the caller sorts: the same
// order in every writer.
const PgStatement kPrefetchAlerts(std::string("SELECT ") + kAlertColumns +
                                      " FROM alerts WHERE source = $1 AND external_id = ANY($2)"
                                      " ORDER BY external_id FOR UPDATE",
                                  PgPlanning::kPerExecution, PgBufferedRows::kMayWait);
// The newest open incident of each group key (sorted by the caller), as kFindOpenIncident
// finds it without the window (the caller applies it). Prepared: a LATERAL subquery with a
// LIMIT is planned as a loop over the keys, each a scan of incidents_open_by_group for that
// key (newest first, a sort of its few rows for the id tie-break), whatever the statistics say, so
// the generic plan is the right one even on a table never analyzed; planning the earlier DISTINCT
// ON form at every execution cost the server more than running it (191 µs against 126 per batch).
// LIMIT 1 is applied after the row lock: an incident another transaction resolved before this one
// could lock it is skipped for the next newest open one.
const PgStatement kPrefetchOpenIncidents(
    std::string("SELECT i.* FROM unnest($1::text[]) AS k(group_key) CROSS JOIN LATERAL "
                "(SELECT ") +
        kIncidentColumns +
        " FROM incidents WHERE group_key = k.group_key AND status IN ('triggered', 'acknowledged')"
        " ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE) AS i",
    PgPlanning::kCached, PgBufferedRows::kMayWait);

// At most kMaxIdsPerDraw ids per execution. The LIMIT is what lets PostgreSQL keep the
// prepared statement's generic plan: without it the generic plan expects generate_series'
// default 1,000 rows and costs more than a plan made for the 20-60 asked for, so the server
// planned the statement again at every execution.
constexpr int64_t kMaxIdsPerDraw = 128;
const PgStatement kNextAlertIds(
    "SELECT nextval(seq) FROM pg_get_serial_sequence('alerts', 'id') seq, "
    "generate_series(1, $1) LIMIT " +
        std::to_string(kMaxIdsPerDraw),
    PgPlanning::kCached, PgBufferedRows::kMayWait);
// Ids drawn per round trip: doubling from 1 up to this, so a transaction inserting one alert
// draws one id, and one inserting hundreds a few blocks, leaving at most one block unused.
constexpr int64_t kMaxAlertIdBlock = 64;

const PgStatement kUpdateAlert(
    "UPDATE alerts SET source = $1, external_id = $2, title = $3, description = $4, "
    "severity = $5, status = $6, labels = $7, annotations = $8, started_at = $9, ended_at = $10, "
    "received_at = $11, updated_at = $12, occurrence = $13, suppressed = $14, incident_id = $15, "
    "raw = $16 WHERE id = $17");
const PgStatement kAcknowledgeAlert(
    "UPDATE alerts SET acknowledged_at = $2 WHERE id = $1 AND acknowledged_at IS NULL");

// The partial index incidents_open_by_group serves this query: its WHERE repeats the index's.
const PgStatement kLockGroup("SELECT pg_advisory_xact_lock($1, hashtext($2))", PgPlanning::kCached,
                             PgBufferedRows::kMayWait);
// Several, in the array's order (a function scan feeds the projection in order).
const PgStatement kLockGroups(
    "SELECT pg_advisory_xact_lock($1, hashtext(k)) FROM unnest($2::text[]) AS k",
    PgPlanning::kCached, PgBufferedRows::kMayWait);
const PgStatement kFindOpenIncident(
    std::string("SELECT ") + kIncidentColumns +
        " FROM incidents WHERE group_key = $1 AND status IN ('triggered', 'acknowledged')"
        " AND created_at >= $2 ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE",
    PgPlanning::kCached, PgBufferedRows::kMayWait);
const PgStatement kInsertIncident(
    std::string(
        "INSERT INTO incidents (incident_number, title, severity, status, summary, commander, "
        "group_key, created_at, updated_at, acknowledged_at, resolved_at) VALUES "
        "(nextval('incident_number_seq'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ") +
    kIncidentColumns);
const PgStatement kUpdateIncident(
    "UPDATE incidents SET title = $1, severity = $2, status = $3, summary = $4, commander = $5, "
    "group_key = $6, created_at = $7, updated_at = $8, acknowledged_at = $9, resolved_at = $10 "
    "WHERE id = $11");
const PgStatement kResolveLink(
    "UPDATE incident_alerts SET resolved_at = $3 WHERE alert_id = $1 AND occurrence = $2 "
    "AND resolved_at IS NULL RETURNING incident_id");
const PgStatement kCountUnresolvedLinks(
    "SELECT count(*) FROM incident_alerts WHERE incident_id = $1 AND resolved_at IS NULL");
const PgStatement kAppendTimeline(
    "INSERT INTO timeline (incident_id, kind, actor, payload, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id");
const PgStatement kEnqueueOutbox(
    "INSERT INTO outbox (event_type, incident_id, payload, created_at) VALUES ($1, $2, $3, $4)");
const PgStatement kRecordDelivery(
    "INSERT INTO webhook_deliveries (source, delivery_id, received_at) "
    "VALUES ($1, $2, $3) ON CONFLICT (source, delivery_id) DO NOTHING");

// The partial unique index api_tokens_active_name is the conflict target: a name held by a
// token not revoked inserts nothing and returns no id, without aborting the transaction.
const PgStatement kInsertToken(
    "INSERT INTO api_tokens (key_id, name, role, secret_hash, created_at, last_used_at, "
    "revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING RETURNING id");

// First key of the two-key advisory locks taken on group keys (the second is the key's hash);
// the migration lock uses the one-key space, which never collides with this one.
constexpr int32_t kGroupLockClass = 0x52470001;

// Whether `a` comes first in kFindOpenIncident's order (newest first).
bool newer(const IncidentRow& a, const IncidentRow& b) {
  return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
}

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

// $1..$5 in the order the rule statements list the record's columns, then `extra`.
std::vector<PgParam> rule_params(const domain::RoutingRuleRecord& rule,
                                 std::initializer_list<PgParam> extra) {
  std::vector<PgParam> params = {rule.name, rule.priority, rule.enabled, rule.match_json,
                                 rule.actions_json};
  params.insert(params.end(), extra);
  return params;
}
// $1..$6, then `extra`.
std::vector<PgParam> rule_params(const domain::GroupingRuleRecord& rule,
                                 std::initializer_list<PgParam> extra) {
  std::vector<PgParam> params = {rule.name,       rule.priority,      rule.enabled,
                                 rule.match_json, rule.group_by_json, rule.window_s};
  params.insert(params.end(), extra);
  return params;
}

}  // namespace

std::string PgWriteTx::alert_key(std::string_view source, std::string_view external_id) {
  std::string key;
  key.reserve(source.size() + 1 + external_id.size());
  key.append(source).append(1, '\0').append(external_id);  // no NUL in either (PgParam)
  return key;
}

bool PgWriteTx::prefetch(std::span<const AlertKey> alerts,
                         std::span<const std::string> group_keys) {
  // By source: one index range each. Keys this transaction already knows are not read again.
  std::map<std::string_view, std::vector<std::string_view>> unknown;
  for (const AlertKey& key : alerts) {
    if (!known_alerts_.contains(alert_key(key.source, key.external_id))) {
      unknown[key.source].push_back(key.external_id);
    }
  }
  int64_t absent = 0;
  for (auto& [source, external_ids] : unknown) {
    std::sort(external_ids.begin(), external_ids.end());
    external_ids.erase(std::unique(external_ids.begin(), external_ids.end()), external_ids.end());
    PgResult result = db_.exec(kPrefetchAlerts, {source, text_array(external_ids)});
    for (int i = 0; i < result.rows(); ++i) {
      AlertRow row = read_alert(result, i);
      std::string key = alert_key(row.alert.source, row.alert.external_id);
      known_alerts_.insert_or_assign(std::move(key), std::move(row));
    }
    for (std::string_view external_id : external_ids) {
      if (known_alerts_.try_emplace(alert_key(source, external_id), std::nullopt).second) ++absent;
    }
  }
  if (!alerts.empty()) {
    expected_new_alerts_ = std::max<int64_t>(0, absent - static_cast<int64_t>(alert_ids_.size()));
  }

  std::vector<std::string_view> groups;
  for (const std::string& key : group_keys) {
    if (!open_incidents_.contains(key)) groups.push_back(key);
  }
  if (groups.empty()) return true;
  // Sorted: every writer takes the locks of a batch in the same order.
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  lock_groups(groups);
  PgResult result = db_.exec(kPrefetchOpenIncidents, {text_array(groups)});
  for (int i = 0; i < result.rows(); ++i) {
    IncidentRow row = read_incident(result, i);
    std::string group = *row.group_key;
    open_incidents_.insert_or_assign(std::move(group), std::move(row));
  }
  for (std::string_view group : groups) open_incidents_.try_emplace(std::string(group));
  return true;
}

std::optional<AlertRow> PgWriteTx::find_alert(std::string_view source,
                                              std::string_view external_id) {
  std::string key = alert_key(source, external_id);
  if (auto known = known_alerts_.find(key); known != known_alerts_.end()) return known->second;
  PgResult result = db_.exec(kFindAlertForUpdate, {source, external_id});
  std::optional<AlertRow> row;
  if (result.rows() > 0) row = read_alert(result, 0);
  known_alerts_.emplace(std::move(key), row);
  return row;
}

std::optional<IncidentRow> PgWriteTx::find_incident(int64_t id) {
  PgResult result = db_.exec(kFindIncidentForUpdate, {id});
  if (result.rows() == 0) return std::nullopt;
  return read_incident(result, 0);
}

std::optional<IncidentRow> PgWriteTx::find_incident_by_number(int64_t incident_number) {
  PgResult result = db_.exec(kFindIncidentByNumberForUpdate, {incident_number});
  if (result.rows() == 0) return std::nullopt;
  return read_incident(result, 0);
}

int64_t PgWriteTx::insert_alert(const AlertRow& row) {
  const int64_t id = next_alert_id();
  std::vector<PgParam> params = alert_params(row);
  params.emplace_back(id);
  db_.defer_row(kInsertAlerts, params);
  AlertRow stored = row;
  stored.id = id;
  known_alerts_.insert_or_assign(alert_key(row.alert.source, row.alert.external_id),
                                 std::move(stored));
  return id;
}

int64_t PgWriteTx::next_alert_id() {
  if (alert_ids_.empty()) {
    // As many as prefetch expects to be inserted, or else a doubling block.
    int64_t count = expected_new_alerts_;
    if (count == 0) {
      alert_id_block_ = alert_id_block_ == 0 ? 1 : std::min(alert_id_block_ * 2, kMaxAlertIdBlock);
      count = alert_id_block_;
    }
    PgResult result = db_.exec(kNextAlertIds, {count});
    for (int i = 0; i < result.rows(); ++i) alert_ids_.push_back(result.int64(i, 0));
    // The rest of what prefetch expects, next time (a draw stops at kMaxIdsPerDraw).
    expected_new_alerts_ = std::max<int64_t>(0, count - result.rows());
    if (alert_ids_.empty()) throw StoreError(ErrorCode::kInternal, "alerts' sequence gave no id");
    // Handed out from the back: smallest last, so ids follow insertion order.
    std::sort(alert_ids_.begin(), alert_ids_.end(), std::greater<>());
  }
  const int64_t id = alert_ids_.back();
  alert_ids_.pop_back();
  return id;
}

void PgWriteTx::update_alert(const AlertRow& row) {
  std::vector<PgParam> params = alert_params(row);
  params.emplace_back(row.id);
  db_.defer(kUpdateAlert, params);
  known_alerts_.insert_or_assign(alert_key(row.alert.source, row.alert.external_id), row);
}

bool PgWriteTx::acknowledge_alert(int64_t id, Timestamp at) {
  std::erase_if(known_alerts_,
                [&](const auto& known) { return known.second && known.second->id == id; });
  return db_.exec(kAcknowledgeAlert, {id, at}).affected() == 1;
}

std::optional<IncidentRow> PgWriteTx::find_open_incident(std::string_view group_key,
                                                         Timestamp not_before) {
  if (auto known = open_incidents_.find(group_key); known != open_incidents_.end()) {
    // The newest open incident: when it is older than the window, every other one is too.
    if (known->second && known->second->created_at >= not_before) return known->second;
    return std::nullopt;
  }
  lock_group(group_key);
  PgResult result = db_.exec(kFindOpenIncident, {group_key, not_before});
  if (result.rows() == 0) return std::nullopt;
  return read_incident(result, 0);
}

// FOR UPDATE alone cannot stop two writers that both find no open incident from both creating
// one; this lock, held until commit, makes the look-and-create of a group atomic. Deferred, it
// still runs before the lookup, in the same round trip. Taken once per group and transaction:
// taking it again would change nothing.
void PgWriteTx::lock_group(std::string_view group_key) {
  if (locked_groups_.insert(std::string(group_key)).second) {
    db_.defer(kLockGroup, {kGroupLockClass, group_key});
  }
}

// lock_group for each, in their order, with one statement.
void PgWriteTx::lock_groups(std::span<const std::string_view> group_keys) {
  std::vector<std::string_view> unlocked;
  for (std::string_view key : group_keys) {
    if (locked_groups_.insert(std::string(key)).second) unlocked.push_back(key);
  }
  if (unlocked.size() == 1) return db_.defer(kLockGroup, {kGroupLockClass, unlocked.front()});
  if (!unlocked.empty()) db_.defer(kLockGroups, {kGroupLockClass, text_array(unlocked)});
}

IncidentRow PgWriteTx::insert_incident(const IncidentRow& row) {
  IncidentRow stored = read_incident(db_.exec(kInsertIncident, incident_params(row)), 0);
  // Known only for groups this transaction holds the lock of: no other writer can open one.
  if (stored.group_key && domain::is_open(stored.status)) {
    auto known = open_incidents_.find(*stored.group_key);
    if (known != open_incidents_.end() && locked_groups_.contains(*stored.group_key) &&
        (!known->second || newer(stored, *known->second))) {
      known->second = stored;
    }
  }
  return stored;
}

void PgWriteTx::update_incident(const IncidentRow& row) {
  std::vector<PgParam> params = incident_params(row);
  params.emplace_back(row.id);
  db_.defer(kUpdateIncident, params);
  // Its group's newest open incident may now be another one: ask the database next time.
  std::erase_if(open_incidents_,
                [&](const auto& known) { return known.second && known.second->id == row.id; });
}

void PgWriteTx::link_alert(int64_t incident_id, int64_t alert_id, int64_t occurrence,
                           Timestamp at) {
  db_.defer_row(kLinkAlerts, std::initializer_list<PgParam>{incident_id, alert_id, occurrence, at});
}

std::optional<int64_t> PgWriteTx::resolve_link(int64_t alert_id, int64_t occurrence, Timestamp at) {
  PgResult result = db_.exec(kResolveLink, {alert_id, occurrence, at});
  if (result.rows() == 0) return std::nullopt;
  return result.int64(0, 0);
}

int64_t PgWriteTx::count_unresolved_links(int64_t incident_id) {
  return db_.exec(kCountUnresolvedLinks, {incident_id}).int64(0, 0);
}

int64_t PgWriteTx::append_timeline(const TimelineEntry& entry) {
  return db_
      .exec(kAppendTimeline,
            {entry.incident_id, entry.kind, entry.actor, entry.payload_json, entry.at})
      .int64(0, 0);
}

void PgWriteTx::enqueue_outbox(const OutboxEvent& event) {
  db_.defer(kEnqueueOutbox, {event.event_type, event.incident_id, event.payload_json, event.at});
}

void PgWriteTx::append_event(const TimelineEntry& entry) {
  db_.defer_row(kAppendEvents,
                std::initializer_list<PgParam>{entry.incident_id, entry.kind, entry.actor,
                                               entry.payload_json, entry.at});
}

bool PgWriteTx::record_delivery(std::string_view source, std::string_view delivery_id,
                                Timestamp at) {
  return db_.exec(kRecordDelivery, {source, delivery_id, at}).affected() == 1;
}

// Every instance sharing the database sees the new version and reloads its rule cache. The row
// lock it takes also serializes concurrent rule changes.
void PgWriteTx::bump_rules_version() {
  db_.exec("UPDATE rules_version SET version = version + 1 WHERE id = 1");
}

bool PgWriteTx::rule_changed(int64_t changed) {
  if (changed == 0) return false;
  bump_rules_version();
  return true;
}

int64_t PgWriteTx::insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) {
  const int64_t id =
      db_.exec(
             "INSERT INTO routing_rules (name, priority, enabled, match, actions, created_at, "
             "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
             rule_params(rule, {at}))
          .int64(0, 0);
  bump_rules_version();
  return id;
}

int64_t PgWriteTx::insert_grouping_rule(const domain::GroupingRuleRecord& rule, Timestamp at) {
  const int64_t id = db_.exec(
                            "INSERT INTO grouping_rules (name, priority, enabled, match, group_by, "
                            "window_s, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                            "$7, $7) RETURNING id",
                            rule_params(rule, {at}))
                         .int64(0, 0);
  bump_rules_version();
  return id;
}

bool PgWriteTx::update_routing_rule(int64_t id, const domain::RoutingRuleRecord& rule,
                                    Timestamp at) {
  return rule_changed(db_.exec("UPDATE routing_rules SET name = $1, priority = $2, enabled = $3, "
                               "match = $4, actions = $5, updated_at = $6 WHERE id = $7",
                               rule_params(rule, {at, id}))
                          .affected());
}

bool PgWriteTx::update_grouping_rule(int64_t id, const domain::GroupingRuleRecord& rule,
                                     Timestamp at) {
  return rule_changed(
      db_.exec("UPDATE grouping_rules SET name = $1, priority = $2, enabled = $3, match = $4, "
               "group_by = $5, window_s = $6, updated_at = $7 WHERE id = $8",
               rule_params(rule, {at, id}))
          .affected());
}

bool PgWriteTx::delete_routing_rule(int64_t id, Timestamp /*at*/) {
  return rule_changed(db_.exec("DELETE FROM routing_rules WHERE id = $1", {id}).affected());
}

bool PgWriteTx::delete_grouping_rule(int64_t id, Timestamp /*at*/) {
  return rule_changed(db_.exec("DELETE FROM grouping_rules WHERE id = $1", {id}).affected());
}

int64_t PgWriteTx::insert_token(const TokenRow& token) {
  PgResult result = db_.exec(
      kInsertToken, {token.key_id, token.name, domain::to_string(token.role), token.secret_hash,
                     token.created_at, token.last_used_at, token.revoked_at});
  if (result.rows() == 0) {
    throw StoreError(ErrorCode::kConflict, "a token named '" + token.name + "' already exists");
  }
  return result.int64(0, 0);
}

bool PgWriteTx::revoke_token(std::string_view name, Timestamp at) {
  return db_.exec("UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                  {name, at})
             .affected() > 0;
}

void PgWriteTx::touch_token(int64_t id, Timestamp at) {
  db_.exec("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", {id, at});
}

}  // namespace regen::storage
