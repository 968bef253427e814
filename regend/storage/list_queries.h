#pragma once
// SQL text both backends share: the column lists their row readers decode, and the filtered,
// paged list statements, built from constant fragments with every user value bound as a
// parameter (never spliced into the text).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "regend/storage/store.h"

namespace regen::storage {

// Column lists in the order the backends' read_alert / read_incident / read_token decode them.
inline constexpr char kAlertColumns[] =
    "id, source, external_id, title, description, severity, status, labels, annotations, "
    "started_at, ended_at, received_at, updated_at, occurrence, suppressed, incident_id, raw, "
    "acknowledged_at";
// As kAlertColumns with raw read as '': lists never show it, and at 1 KB a row it would be
// most of what a list reads and copies.
inline constexpr char kAlertListColumns[] =
    "id, source, external_id, title, description, severity, status, labels, annotations, "
    "started_at, ended_at, received_at, updated_at, occurrence, suppressed, incident_id, '' AS "
    "raw, "
    "acknowledged_at";
inline constexpr char kIncidentColumns[] =
    "id, incident_number, title, severity, status, summary, commander, group_key, created_at, "
    "updated_at, acknowledged_at, resolved_at";
inline constexpr char kTokenColumns[] =
    "id, key_id, name, role, secret_hash, created_at, last_used_at, revoked_at";

// Placeholders: SQLite "?N", PostgreSQL "$N"; title search: LIKE (ASCII case-insensitive in
// SQLite) or ILIKE.
enum class SqlDialect { kSqlite, kPostgres };

// Integers (times as epoch milliseconds) or text.
using SqlValue = std::variant<int64_t, std::string>;

struct SqlQuery {
  std::string text;
  std::vector<SqlValue> params;  // params[i] binds placeholder i + 1
};

// Rows of one page: filter, then keyset cursor, newest first, then limit and offset (negative
// values count as 0). Selects kIncidentColumns / kAlertListColumns.
//
// A filter naming several values for a column (status=triggered,acknowledged) becomes one arm
// per combination of values, each reading its own index range in list order and stopping after
// offset + limit rows, merged by a UNION ALL: as one IN list it would read and sort every
// matching row (the indexes order each value's rows, not their union). Past kMaxArms
// combinations the IN form is used.
SqlQuery incident_page_query(SqlDialect dialect, const IncidentFilter& filter,
                             const PageRequest& page);
SqlQuery alert_page_query(SqlDialect dialect, const AlertFilter& filter, const PageRequest& page);
inline constexpr std::size_t kMaxArms = 16;

// How a list's total is counted, up to a bound. Skipping rows costs about a third of counting
// them, so a list likely longer than the bound is probed first ("is there a row past it?"):
// the unfiltered lists, as long as their tables. A filtered list is usually shorter, and
// counting it once, stopping past the bound, beats probing it and then counting it again.
struct CountPlan {
  std::optional<SqlQuery> beyond;  // a row when more than the bound match, else none
  SqlQuery count;                  // one value: the matches, counted up to `up_to` when > 0
  int64_t up_to = 0;
};
// `count_limit` as in PageRequest (0: an exact count).
CountPlan incident_count_plan(SqlDialect dialect, const IncidentFilter& filter,
                              int64_t count_limit);
CountPlan alert_count_plan(SqlDialect dialect, const AlertFilter& filter, int64_t count_limit);

// The total a page's own rows prove, so that no count is needed: a page shorter than its
// limit ends the list (unless it is empty past an offset, which proves nothing). nullopt when
// the total must be counted.
inline std::optional<int64_t> total_from_page(std::size_t rows, int64_t limit, int64_t offset) {
  const auto count = static_cast<int64_t>(rows);
  if (count >= limit || (count == 0 && offset > 0)) return std::nullopt;
  return std::max<int64_t>(offset, 0) + count;
}

// Sets a list page's total and total_exact (store.h) at the least cost: from the page itself
// when it ends the list, else by `plan`. exists(query) and count(query) run its queries.
template <typename Row, typename Exists, typename Count>
void settle_total(Page<Row>& page, const PageRequest& request, const CountPlan& plan, Exists exists,
                  Count count) {
  if (!request.after) {
    if (std::optional<int64_t> known =
            total_from_page(page.rows.size(), request.limit, request.offset)) {
      page.total = *known;
      return;
    }
  }
  if (plan.beyond && exists(*plan.beyond)) {
    page.total = request.count_limit;
    page.total_exact = false;
    return;
  }
  const int64_t counted = count(plan.count);
  page.total_exact = plan.up_to <= 0 || counted < plan.up_to;
  page.total = page.total_exact ? counted : plan.up_to - 1;
}

// A LIKE pattern matching any text that contains `text`, with %, _ and \ escaped for
// ESCAPE '\'.
std::string like_contains_pattern(std::string_view text);

}  // namespace regen::storage
