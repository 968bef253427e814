#pragma once
// SQL text both backends share: the column lists their row readers decode, and the filtered,
// paged list statements, built from constant fragments with every user value bound as a
// parameter (never spliced into the text).

#include <cstdint>
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
// values count as 0). Selects kIncidentColumns / kAlertColumns.
SqlQuery incident_page_query(SqlDialect dialect, const IncidentFilter& filter,
                             const PageRequest& page);
SqlQuery alert_page_query(SqlDialect dialect, const AlertFilter& filter, const PageRequest& page);
// One row, one column: how many rows match the filter (no cursor, limit or offset).
SqlQuery incident_count_query(SqlDialect dialect, const IncidentFilter& filter);
SqlQuery alert_count_query(SqlDialect dialect, const AlertFilter& filter);

// A LIKE pattern matching any text that contains `text`, with %, _ and \ escaped for
// ESCAPE '\'.
std::string like_contains_pattern(std::string_view text);

}  // namespace regen::storage
