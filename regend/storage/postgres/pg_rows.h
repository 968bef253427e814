#pragma once
// How PgStore's statements decode rows (times as epoch milliseconds, see row_codec.h). Each
// reader takes row `i` of a result whose columns are the list named beside it, in that order.

#include <vector>

#include "regend/storage/list_queries.h"
#include "regend/storage/postgres/pg_connection.h"
#include "regend/storage/store.h"

namespace regen::storage {

AlertRow read_alert(const PgResult& r, int i);        // kAlertColumns
IncidentRow read_incident(const PgResult& r, int i);  // kIncidentColumns
TokenRow read_token(const PgResult& r, int i);        // kTokenColumns
// id, incident_id, kind, actor, payload, created_at
TimelineEntry read_timeline_entry(const PgResult& r, int i);
// id, name, priority, enabled, match, actions, created_at, updated_at
StoredRoutingRule read_routing_rule(const PgResult& r, int i);
// id, name, priority, enabled, match, group_by, window_s, created_at, updated_at
StoredGroupingRule read_grouping_rule(const PgResult& r, int i);

// query.params as statement parameters $1..$n.
std::vector<PgParam> pg_params(const SqlQuery& query);

}  // namespace regen::storage
