#pragma once
// How stored rows look in the API: one function per resource, so every route that returns an
// incident, alert, timeline entry or rule shows the same fields. Times are RFC 3339 UTC with
// milliseconds; absent values are null (never omitted), so clients can rely on the keys.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "regend/storage/store.h"

namespace regen::api {

// Each function allocates what it returns from `sp` (default: the heap). A handler rendering a
// list or a detail passes one monotonic arena for the whole body: hundreds of small nodes are
// then bump allocations, freed at once.
boost::json::value time_json(const std::optional<domain::Timestamp>& at,
                             boost::json::storage_ptr sp = {});

// Adds time_to_acknowledge_s / time_to_resolve_s (seconds, fractional) once known.
boost::json::object incident_json(const storage::IncidentRow& incident,
                                  boost::json::storage_ptr sp = {});
boost::json::object alert_json(const storage::AlertRow& alert, boost::json::storage_ptr sp = {});
boost::json::object timeline_json(const storage::TimelineEntry& entry,
                                  boost::json::storage_ptr sp = {});
boost::json::object routing_rule_json(const storage::StoredRoutingRule& rule);
boost::json::object grouping_rule_json(const storage::StoredGroupingRule& rule);

// The list envelope: {"data","total","total_exact","limit","offset","next_cursor"}, in `data`'s
// storage. `total_exact` false: more rows match than were counted, and total is a lower bound.
boost::json::object list_json(boost::json::array data, int64_t total, int64_t limit, int64_t offset,
                              const std::optional<std::string>& next_cursor,
                              bool total_exact = true);

}  // namespace regen::api
