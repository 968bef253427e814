#pragma once
// The IngestLimits checks every provider applies to what it parsed. Pure functions; any thread.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "regend/domain/alert.h"
#include "regend/ingest/json_fields.h"
#include "regend/ingest/provider.h"

namespace regen::ingest {

// Where a normalized alert's fields came from in the payload, so that an error names the field
// the sender wrote: a Prometheus title is "alerts[2].labels.alertname", a generic one
// "alerts[2].title". Names are views (json_fields.h): the provider's paths must outlive them.
struct AlertFieldPaths {
  FieldName title;
  FieldName description;
  FieldName external_id;
  FieldName labels;       // an entry is named "<labels>.<key>"
  FieldName annotations;  // likewise
};

// The number of Unicode code points in `utf8`, which must be valid UTF-8 (Boost.JSON rejects
// anything else while parsing).
std::size_t count_code_points(std::string_view utf8);

// kInvalidArgument naming `field` with `limit` when `text` has more than `limit` code points.
Status check_length(std::string_view text, std::size_t limit, const FieldName& field);

// Checks the number of alerts in one request; `field` is where they are ("alerts").
Status check_alert_count(std::size_t count, const IngestLimits& limits, std::string_view field);

// Checks one alert: a non-empty title, the lengths of its title, description and external id,
// and the count, key lengths and value lengths of its labels and of its annotations.
// Returns the first violation: kInvalidArgument with the field and, past a limit, the limit.
Status check_alert(const domain::NormalizedAlert& alert, const IngestLimits& limits,
                   const AlertFieldPaths& paths);

}  // namespace regen::ingest
