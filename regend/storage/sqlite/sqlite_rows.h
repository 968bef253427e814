#pragma once
// How SqliteStore's statements decode rows and bind values (times as epoch milliseconds, see
// row_codec.h). Each reader expects the column list named beside it, in that order.

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <type_traits>

#include "regend/storage/list_queries.h"
#include "regend/storage/row_codec.h"
#include "regend/storage/store.h"

namespace regen::storage {

AlertRow read_alert(SQLite::Statement& st);        // kAlertColumns
IncidentRow read_incident(SQLite::Statement& st);  // kIncidentColumns
TokenRow read_token(SQLite::Statement& st);        // kTokenColumns
// id, incident_id, kind, actor, payload, created_at
TimelineEntry read_timeline_entry(SQLite::Statement& st);
// id, name, priority, enabled, match, actions, created_at, updated_at
StoredRoutingRule read_routing_rule(SQLite::Statement& st);
// id, name, priority, enabled, match, group_by, window_s, created_at, updated_at
StoredGroupingRule read_grouping_rule(SQLite::Statement& st);

inline void bind_time(SQLite::Statement& st, int index, Timestamp at) {
  st.bind(index, static_cast<int64_t>(to_millis(at)));
}

template <typename T>
void bind_optional(SQLite::Statement& st, int index, const std::optional<T>& value) {
  if (!value) {
    st.bind(index);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    bind_time(st, index, *value);
  } else {
    st.bind(index, *value);
  }
}

// Binds query.params to placeholders 1..n.
void bind_all(SQLite::Statement& st, const SqlQuery& query);

}  // namespace regen::storage
