#pragma once
// RFC 3339 timestamps as webhook sources send them. Pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "regend/domain/alert.h"

namespace regen::ingest {

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm|±hhmm)" into UTC milliseconds. The fraction
// may have any number of digits (Alertmanager sends nanoseconds) and is truncated to
// milliseconds; ±hhmm is CloudWatch's "2024-01-15T10:30:00.000+0000". "T" and "Z" may be
// lowercase, as RFC 3339 allows. Returns nullopt for anything else, including impossible dates
// such as February 30th.
std::optional<domain::Timestamp> parse_rfc3339(std::string_view text);

// "2026-11-22T10:00:00.123Z": UTC, always with milliseconds; what the API returns.
std::string format_rfc3339(domain::Timestamp at);

// Go's zero time.Time, "0001-01-01T00:00:00Z": Alertmanager and Grafana send it as the endsAt of
// an alert that has not ended.
inline constexpr domain::Timestamp kGoZeroTime{
    std::chrono::sys_days{std::chrono::year{1} / std::chrono::January / 1}};

}  // namespace regen::ingest
