#include "regend/storage/sqlite/sqlite_reads.h"

#include <algorithm>

#include "regend/storage/list_queries.h"
#include "regend/storage/rule_loader.h"
#include "regend/storage/sqlite/sqlite_rows.h"

namespace regen::storage {
namespace {

const std::string kAlertSelect = std::string("SELECT ") + kAlertColumns + " FROM alerts";
const std::string kFindAlert = kAlertSelect + " WHERE source = ?1 AND external_id = ?2";
const std::string kFindAlertById = kAlertSelect + " WHERE id = ?1";
// An alert linked several times (one link per occurrence) appears once, at its latest link.
// Only (id, time) pairs are sorted; the rows are then read one by one by primary key. Sorting
// the joined rows instead spills SQLite's temporary b-tree to disk for incidents with hundreds
// of alerts.
constexpr const char kIncidentAlertIds[] =
    "SELECT alert_id, MAX(linked_at) AS last_linked_at FROM incident_alerts"
    " WHERE incident_id = ?1 GROUP BY alert_id"
    " ORDER BY last_linked_at DESC, alert_id DESC LIMIT ?2";
const std::string kListedAlertById =
    std::string("SELECT ") + kAlertListColumns + " FROM alerts WHERE id = ?1";
const std::string kIncidentSelect = std::string("SELECT ") + kIncidentColumns + " FROM incidents";
const std::string kFindIncident = kIncidentSelect + " WHERE id = ?1";
const std::string kFindIncidentByNumber = kIncidentSelect + " WHERE incident_number = ?1";
const std::string kTokenSelect = std::string("SELECT ") + kTokenColumns + " FROM api_tokens";
const std::string kFindToken = kTokenSelect + " WHERE key_id = ?1";
const std::string kListTokens =
    kTokenSelect + " WHERE ?1 OR revoked_at IS NULL ORDER BY created_at, id";

constexpr const char kTimeline[] =
    "SELECT id, incident_id, kind, actor, payload, created_at FROM timeline "
    "WHERE incident_id = ?1 ORDER BY created_at, id";
constexpr const char kTimelinePage[] =
    "SELECT id, incident_id, kind, actor, payload, created_at FROM timeline "
    "WHERE incident_id = ?1 ORDER BY created_at, id LIMIT ?2 OFFSET ?3";
constexpr const char kRoutingRules[] =
    "SELECT id, name, priority, enabled, match, actions, created_at, updated_at "
    "FROM routing_rules ORDER BY priority, id";
constexpr const char kFindRoutingRule[] =
    "SELECT id, name, priority, enabled, match, actions, created_at, updated_at "
    "FROM routing_rules WHERE id = ?1";
constexpr const char kGroupingRules[] =
    "SELECT id, name, priority, enabled, match, group_by, window_s, created_at, updated_at "
    "FROM grouping_rules ORDER BY priority, id";
constexpr const char kFindGroupingRule[] =
    "SELECT id, name, priority, enabled, match, group_by, window_s, created_at, updated_at "
    "FROM grouping_rules WHERE id = ?1";

// List statements vary with their filter, so they are prepared per call rather than cached;
// each is finalized on return and holds no read lock past it. The total is settled as
// list_queries.h describes.
template <typename Row, typename Read>
Page<Row> run_page(SQLite::Database& db, const SqlQuery& rows, const PageRequest& request,
                   const CountPlan& plan, Read read) {
  Page<Row> page;
  {
    SQLite::Statement select(db, rows.text);
    bind_all(select, rows);
    while (select.executeStep()) page.rows.push_back(read(select));
  }
  settle_total(
      page, request, plan,
      [&](const SqlQuery& query) {
        SQLite::Statement probe(db, query.text);
        bind_all(probe, query);
        return probe.executeStep();
      },
      [&](const SqlQuery& query) {
        SQLite::Statement total(db, query.text);
        bind_all(total, query);
        return total.executeStep() ? total.getColumn(0).getInt64() : int64_t{0};
      });
  return page;
}

template <typename Row, typename Read>
std::vector<Row> all_rows(SQLite::Statement& st, Read read) {
  std::vector<Row> rows;
  while (st.executeStep()) rows.push_back(read(st));
  return rows;
}

template <typename Row, typename Read>
std::optional<Row> first_row(SQLite::Statement& st, Read read) {
  if (!st.executeStep()) return std::nullopt;
  return read(st);
}

}  // namespace

template <typename Interface>
void SqliteReads<Interface>::reset_statements() noexcept {
  // tryReset: sqlite3_reset repeats the error of a failed step, already reported by then.
  for (auto& [sql, statement] : statements_) statement->tryReset();
}

template <typename Interface>
SQLite::Statement& SqliteReads<Interface>::statement(const char* sql) {
  auto& slot = statements_[sql];
  if (slot == nullptr) {
    slot = std::make_unique<SQLite::Statement>(db_, sql);
  } else {
    slot->tryReset();
    slot->clearBindings();
  }
  return *slot;
}

template <typename Interface>
int64_t SqliteReads<Interface>::single_int(SQLite::Statement& st) {
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

template <typename Interface>
std::optional<AlertRow> SqliteReads<Interface>::find_alert(std::string_view source,
                                                           std::string_view external_id) {
  SQLite::Statement& st = statement(kFindAlert.c_str());
  st.bind(1, std::string(source));
  st.bind(2, std::string(external_id));
  return first_row<AlertRow>(st, read_alert);
}

template <typename Interface>
std::optional<AlertRow> SqliteReads<Interface>::find_alert_by_id(int64_t id) {
  SQLite::Statement& st = statement(kFindAlertById.c_str());
  st.bind(1, id);
  return first_row<AlertRow>(st, read_alert);
}

template <typename Interface>
Page<AlertRow> SqliteReads<Interface>::list_alerts(const AlertFilter& filter,
                                                   const PageRequest& page) {
  constexpr auto kDialect = SqlDialect::kSqlite;
  return run_page<AlertRow>(db_, alert_page_query(kDialect, filter, page), page,
                            alert_count_plan(kDialect, filter, page.count_limit), read_alert);
}

template <typename Interface>
std::optional<IncidentRow> SqliteReads<Interface>::find_incident(int64_t id) {
  SQLite::Statement& st = statement(kFindIncident.c_str());
  st.bind(1, id);
  return first_row<IncidentRow>(st, read_incident);
}

template <typename Interface>
std::optional<IncidentRow> SqliteReads<Interface>::find_incident_by_number(
    int64_t incident_number) {
  SQLite::Statement& st = statement(kFindIncidentByNumber.c_str());
  st.bind(1, incident_number);
  return first_row<IncidentRow>(st, read_incident);
}

template <typename Interface>
Page<IncidentRow> SqliteReads<Interface>::list_incidents(const IncidentFilter& filter,
                                                         const PageRequest& page) {
  constexpr auto kDialect = SqlDialect::kSqlite;
  return run_page<IncidentRow>(db_, incident_page_query(kDialect, filter, page), page,
                               incident_count_plan(kDialect, filter, page.count_limit),
                               read_incident);
}

template <typename Interface>
Page<AlertRow> SqliteReads<Interface>::list_incident_alerts(int64_t incident_id, int64_t limit) {
  limit = std::max<int64_t>(limit, 0);
  std::vector<int64_t> ids;
  SQLite::Statement& linked = statement(kIncidentAlertIds);
  linked.bind(1, incident_id);
  linked.bind(2, limit);
  while (linked.executeStep()) ids.push_back(linked.getColumn(0).getInt64());
  Page<AlertRow> page;
  page.rows.reserve(ids.size());
  SQLite::Statement& by_id = statement(kListedAlertById.c_str());
  for (int64_t id : ids) {
    by_id.reset();
    by_id.bind(1, id);
    if (by_id.executeStep()) page.rows.push_back(read_alert(by_id));
  }
  if (std::optional<int64_t> known = total_from_page(ids.size(), limit, 0)) {
    page.total = *known;
    return page;
  }
  SQLite::Statement& total =
      statement("SELECT COUNT(DISTINCT alert_id) FROM incident_alerts WHERE incident_id = ?1");
  total.bind(1, incident_id);
  page.total = single_int(total);
  return page;
}

template <typename Interface>
std::vector<TimelineEntry> SqliteReads<Interface>::list_timeline(int64_t incident_id) {
  SQLite::Statement& st = statement(kTimeline);
  st.bind(1, incident_id);
  return all_rows<TimelineEntry>(st, read_timeline_entry);
}

template <typename Interface>
Page<TimelineEntry> SqliteReads<Interface>::list_timeline_page(int64_t incident_id,
                                                               const PageRequest& page) {
  Page<TimelineEntry> result;
  SQLite::Statement& st = statement(kTimelinePage);
  st.bind(1, incident_id);
  st.bind(2, std::max<int64_t>(page.limit, 0));
  st.bind(3, std::max<int64_t>(page.offset, 0));
  result.rows = all_rows<TimelineEntry>(st, read_timeline_entry);
  if (std::optional<int64_t> known = total_from_page(result.rows.size(), page.limit, page.offset)) {
    result.total = *known;
    return result;
  }
  SQLite::Statement& total = statement("SELECT COUNT(*) FROM timeline WHERE incident_id = ?1");
  total.bind(1, incident_id);
  result.total = single_int(total);
  return result;
}

template <typename Interface>
int64_t SqliteReads<Interface>::count_outbox(int64_t at_most) {
  SQLite::Statement& st = statement("SELECT COUNT(*) FROM (SELECT 1 FROM outbox LIMIT ?)");
  st.bind(1, at_most);
  return single_int(st);
}

template <typename Interface>
int64_t SqliteReads<Interface>::rules_version() {
  return single_int(statement("SELECT version FROM rules_version WHERE id = 1"));
}

template <typename Interface>
domain::RuleSet SqliteReads<Interface>::load_rules() {
  return load_rule_set(*this);
}

template <typename Interface>
std::vector<StoredRoutingRule> SqliteReads<Interface>::list_routing_rules() {
  return all_rows<StoredRoutingRule>(statement(kRoutingRules), read_routing_rule);
}

template <typename Interface>
std::optional<StoredRoutingRule> SqliteReads<Interface>::find_routing_rule(int64_t id) {
  SQLite::Statement& st = statement(kFindRoutingRule);
  st.bind(1, id);
  return first_row<StoredRoutingRule>(st, read_routing_rule);
}

template <typename Interface>
std::vector<StoredGroupingRule> SqliteReads<Interface>::list_grouping_rules() {
  return all_rows<StoredGroupingRule>(statement(kGroupingRules), read_grouping_rule);
}

template <typename Interface>
std::optional<StoredGroupingRule> SqliteReads<Interface>::find_grouping_rule(int64_t id) {
  SQLite::Statement& st = statement(kFindGroupingRule);
  st.bind(1, id);
  return first_row<StoredGroupingRule>(st, read_grouping_rule);
}

template <typename Interface>
std::optional<TokenRow> SqliteReads<Interface>::find_token(std::string_view key_id) {
  SQLite::Statement& st = statement(kFindToken.c_str());
  st.bind(1, std::string(key_id));
  return first_row<TokenRow>(st, read_token);
}

template <typename Interface>
std::vector<TokenRow> SqliteReads<Interface>::list_tokens(bool include_revoked) {
  SQLite::Statement& st = statement(kListTokens.c_str());
  st.bind(1, include_revoked ? 1 : 0);
  return all_rows<TokenRow>(st, read_token);
}

template class SqliteReads<ReadTx>;
template class SqliteReads<WriteTx>;

}  // namespace regen::storage
