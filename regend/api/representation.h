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

boost::json::value time_json(const std::optional<domain::Timestamp>& at);

// Adds time_to_acknowledge_s / time_to_resolve_s (seconds, fractional) once known.
boost::json::object incident_json(const storage::IncidentRow& incident);
boost::json::object alert_json(const storage::AlertRow& alert);
boost::json::object timeline_json(const storage::TimelineEntry& entry);
boost::json::object routing_rule_json(const storage::StoredRoutingRule& rule);
boost::json::object grouping_rule_json(const storage::StoredGroupingRule& rule);

// The list envelope: {"data","total","limit","offset","next_cursor"}.
boost::json::object list_json(boost::json::array data, int64_t total, int64_t limit, int64_t offset,
                              const std::optional<std::string>& next_cursor);

}  // namespace regen::api
