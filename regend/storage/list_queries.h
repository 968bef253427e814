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

// One row, one column: how many rows match the filter (no cursor, limit or offset).
SqlQuery incident_count_query(SqlDialect dialect, const IncidentFilter& filter);
SqlQuery alert_count_query(SqlDialect dialect, const AlertFilter& filter);
// A row when more than `bound` rows match, else none: the row at OFFSET `bound`. Skipping rows
// costs a third of counting them, so this settles "more than the bound" before any count.
SqlQuery incident_beyond_query(SqlDialect dialect, const IncidentFilter& filter, int64_t bound);
SqlQuery alert_beyond_query(SqlDialect dialect, const AlertFilter& filter, int64_t bound);

// The total a page's own rows prove, so that no count is needed: a page shorter than its
// limit ends the list (unless it is empty past an offset, which proves nothing). nullopt when
// the total must be counted.
inline std::optional<int64_t> total_from_page(std::size_t rows, int64_t limit, int64_t offset) {
  const auto count = static_cast<int64_t>(rows);
  if (count >= limit || (count == 0 && offset > 0)) return std::nullopt;
  return std::max<int64_t>(offset, 0) + count;
}

// Sets a list page's total and total_exact (store.h) at the least cost: from the page itself
// when it ends the list, else from `beyond()` (whether more than request.count_limit rows
// match), else from `count()`. Both run queries and return what they found.
template <typename Row, typename Beyond, typename Count>
void settle_total(Page<Row>& page, const PageRequest& request, Beyond beyond, Count count) {
  if (!request.after) {
    if (std::optional<int64_t> known =
            total_from_page(page.rows.size(), request.limit, request.offset)) {
      page.total = *known;
      return;
    }
  }
  if (request.count_limit > 0 && beyond()) {
    page.total = request.count_limit;
    page.total_exact = false;
    return;
  }
  page.total = count();
}

// A LIKE pattern matching any text that contains `text`, with %, _ and \ escaped for
// ESCAPE '\'.
std::string like_contains_pattern(std::string_view text);

}  // namespace regen::storage
