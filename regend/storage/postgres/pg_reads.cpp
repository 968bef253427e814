#include "regend/storage/postgres/pg_reads.h"

#include <algorithm>

#include "regend/storage/list_queries.h"
#include "regend/storage/postgres/pg_rows.h"
#include "regend/storage/rule_loader.h"

namespace regen::storage {
namespace {

// Read at the start of every write batch: prepared, so the server does not plan it each time.
const PgStatement kRulesVersion("SELECT version FROM rules_version WHERE id = 1");

const std::string kAlertSelect = std::string("SELECT ") + kAlertColumns + " FROM alerts";
const std::string kFindAlert = kAlertSelect + " WHERE source = $1 AND external_id = $2";
const std::string kFindAlertById = kAlertSelect + " WHERE id = $1";
// An alert linked several times (one link per occurrence) appears once, at its latest link.
// The limit applies to the (id, time) pairs, before any alert row is read.
const std::string kIncidentAlerts =
    std::string("SELECT ") + kAlertListColumns +
    " FROM (SELECT alert_id, MAX(linked_at) AS last_linked_at FROM incident_alerts"
    " WHERE incident_id = $1 GROUP BY alert_id ORDER BY last_linked_at DESC, alert_id DESC"
    " LIMIT $2) AS links JOIN alerts ON alerts.id = links.alert_id"
    " ORDER BY links.last_linked_at DESC, alerts.id DESC";
const std::string kIncidentSelect = std::string("SELECT ") + kIncidentColumns + " FROM incidents";
const std::string kFindIncident = kIncidentSelect + " WHERE id = $1";
const std::string kFindIncidentByNumber = kIncidentSelect + " WHERE incident_number = $1";
const std::string kTokenSelect = std::string("SELECT ") + kTokenColumns + " FROM api_tokens";
const std::string kFindToken = kTokenSelect + " WHERE key_id = $1";
const std::string kListTokens =
    kTokenSelect + " WHERE $1::boolean OR revoked_at IS NULL ORDER BY created_at, id";

constexpr const char kTimeline[] =
    "SELECT id, incident_id, kind, actor, payload, created_at FROM timeline "
    "WHERE incident_id = $1 ORDER BY created_at, id";
constexpr const char kTimelinePage[] =
    "SELECT id, incident_id, kind, actor, payload, created_at FROM timeline "
    "WHERE incident_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3";
constexpr const char kRoutingRules[] =
    "SELECT id, name, priority, enabled, match, actions, created_at, updated_at "
    "FROM routing_rules ORDER BY priority, id";
constexpr const char kFindRoutingRule[] =
    "SELECT id, name, priority, enabled, match, actions, created_at, updated_at "
    "FROM routing_rules WHERE id = $1";
constexpr const char kGroupingRules[] =
    "SELECT id, name, priority, enabled, match, group_by, window_s, created_at, updated_at "
    "FROM grouping_rules ORDER BY priority, id";
constexpr const char kFindGroupingRule[] =
    "SELECT id, name, priority, enabled, match, group_by, window_s, created_at, updated_at "
    "FROM grouping_rules WHERE id = $1";

template <typename Row, typename Read>
std::vector<Row> all_rows(const PgResult& result, Read read) {
  std::vector<Row> rows;
  rows.reserve(result.rows());
  for (int i = 0; i < result.rows(); ++i) rows.push_back(read(result, i));
  return rows;
}

template <typename Row, typename Read>
std::optional<Row> first_row(const PgResult& result, Read read) {
  if (result.rows() == 0) return std::nullopt;
  return read(result, 0);
}

// The total is settled as list_queries.h describes.
template <typename Row, typename Read>
Page<Row> run_page(PgConnection& db, const SqlQuery& rows, const PageRequest& request,
                   const CountPlan& plan, Read read) {
  Page<Row> page;
  page.rows = all_rows<Row>(db.exec(rows.text.c_str(), pg_params(rows)), read);
  settle_total(
      page, request, plan,
      [&](const SqlQuery& query) {
        return db.exec(query.text.c_str(), pg_params(query)).rows() > 0;
      },
      [&](const SqlQuery& query) {
        return db.exec(query.text.c_str(), pg_params(query)).int64(0, 0);
      });
  return page;
}

}  // namespace

template <typename Interface>
std::optional<AlertRow> PgReads<Interface>::find_alert(std::string_view source,
                                                       std::string_view external_id) {
  return first_row<AlertRow>(db_.exec(kFindAlert.c_str(), {source, external_id}), read_alert);
}

template <typename Interface>
std::optional<AlertRow> PgReads<Interface>::find_alert_by_id(int64_t id) {
  return first_row<AlertRow>(db_.exec(kFindAlertById.c_str(), {id}), read_alert);
}

template <typename Interface>
Page<AlertRow> PgReads<Interface>::list_alerts(const AlertFilter& filter, const PageRequest& page) {
  constexpr auto kDialect = SqlDialect::kPostgres;
  return run_page<AlertRow>(db_, alert_page_query(kDialect, filter, page), page,
                            alert_count_plan(kDialect, filter, page.count_limit), read_alert);
}

template <typename Interface>
std::optional<IncidentRow> PgReads<Interface>::find_incident(int64_t id) {
  return first_row<IncidentRow>(db_.exec(kFindIncident.c_str(), {id}), read_incident);
}

template <typename Interface>
std::optional<IncidentRow> PgReads<Interface>::find_incident_by_number(int64_t incident_number) {
  return first_row<IncidentRow>(db_.exec(kFindIncidentByNumber.c_str(), {incident_number}),
                                read_incident);
}

template <typename Interface>
Page<IncidentRow> PgReads<Interface>::list_incidents(const IncidentFilter& filter,
                                                     const PageRequest& page) {
  constexpr auto kDialect = SqlDialect::kPostgres;
  return run_page<IncidentRow>(db_, incident_page_query(kDialect, filter, page), page,
                               incident_count_plan(kDialect, filter, page.count_limit),
                               read_incident);
}

template <typename Interface>
Page<AlertRow> PgReads<Interface>::list_incident_alerts(int64_t incident_id, int64_t limit) {
  Page<AlertRow> page;
  limit = std::max<int64_t>(limit, 0);
  page.rows =
      all_rows<AlertRow>(db_.exec(kIncidentAlerts.c_str(), {incident_id, limit}), read_alert);
  if (std::optional<int64_t> known = total_from_page(page.rows.size(), limit, 0)) {
    page.total = *known;
    return page;
  }
  page.total = db_.exec(
                      "SELECT count(DISTINCT alert_id) FROM incident_alerts "
                      "WHERE incident_id = $1",
                      {incident_id})
                   .int64(0, 0);
  return page;
}

template <typename Interface>
std::vector<TimelineEntry> PgReads<Interface>::list_timeline(int64_t incident_id) {
  return all_rows<TimelineEntry>(db_.exec(kTimeline, {incident_id}), read_timeline_entry);
}

template <typename Interface>
Page<TimelineEntry> PgReads<Interface>::list_timeline_page(int64_t incident_id,
                                                           const PageRequest& page) {
  Page<TimelineEntry> result;
  result.rows = all_rows<TimelineEntry>(
      db_.exec(kTimelinePage,
               {incident_id, std::max<int64_t>(page.limit, 0), std::max<int64_t>(page.offset, 0)}),
      read_timeline_entry);
  if (std::optional<int64_t> known = total_from_page(result.rows.size(), page.limit, page.offset)) {
    result.total = *known;
    return result;
  }
  result.total =
      db_.exec("SELECT count(*) FROM timeline WHERE incident_id = $1", {incident_id}).int64(0, 0);
  return result;
}

template <typename Interface>
int64_t PgReads<Interface>::count_outbox(int64_t at_most) {
  return db_.exec("SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT $1) AS pending", {at_most})
      .int64(0, 0);
}

template <typename Interface>
int64_t PgReads<Interface>::rules_version() {
  PgResult result = db_.exec(kRulesVersion);
  return result.rows() > 0 ? result.int64(0, 0) : 0;
}

template <typename Interface>
domain::RuleSet PgReads<Interface>::load_rules() {
  return load_rule_set(*this);
}

template <typename Interface>
std::vector<StoredRoutingRule> PgReads<Interface>::list_routing_rules() {
  return all_rows<StoredRoutingRule>(db_.exec(kRoutingRules), read_routing_rule);
}

template <typename Interface>
std::optional<StoredRoutingRule> PgReads<Interface>::find_routing_rule(int64_t id) {
  return first_row<StoredRoutingRule>(db_.exec(kFindRoutingRule, {id}), read_routing_rule);
}

template <typename Interface>
std::vector<StoredGroupingRule> PgReads<Interface>::list_grouping_rules() {
  return all_rows<StoredGroupingRule>(db_.exec(kGroupingRules), read_grouping_rule);
}

template <typename Interface>
std::optional<StoredGroupingRule> PgReads<Interface>::find_grouping_rule(int64_t id) {
  return first_row<StoredGroupingRule>(db_.exec(kFindGroupingRule, {id}), read_grouping_rule);
}

template <typename Interface>
std::optional<TokenRow> PgReads<Interface>::find_token(std::string_view key_id) {
  return first_row<TokenRow>(db_.exec(kFindToken.c_str(), {key_id}), read_token);
}

template <typename Interface>
std::vector<TokenRow> PgReads<Interface>::list_tokens(bool include_revoked) {
  return all_rows<TokenRow>(db_.exec(kListTokens.c_str(), {include_revoked}), read_token);
}

template class PgReads<ReadTx>;
template class PgReads<WriteTx>;

}  // namespace regen::storage
