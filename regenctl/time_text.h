#pragma once
// Times as the API writes them (RFC 3339, UTC, milliseconds: "2026-11-22T10:00:00.000Z") and as
// regenctl shows them: relative ages in lists, absolute UTC in details. Pure functions; the
// current time is always a parameter so that tests can fix it.

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace regen::ctl {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

TimePoint now_ms();

// "2026-11-22T10:00:00Z", with optional fraction (any digits, truncated to milliseconds) and an
// offset ("Z", "+02:00", "-0500"); 't', 'z' and a space separator are accepted. nullopt when
// the text is not such a time or names an impossible date.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// "2026-11-22T10:00:00.000Z": the form the API takes in query parameters.
std::string format_rfc3339(TimePoint time);

// "2026-11-22 10:00:00 UTC".
std::string format_utc(TimePoint time);

// "45s", "5m", "2h", "3d": the largest whole unit (seconds under a minute, minutes under an
// hour, hours under a day). A negative age (a clock ahead of ours) reads as "0s".
std::string format_age(std::chrono::milliseconds age);

// "90s", "30m", "2h", "1d", "1w", or several at once ("1h30m"). nullopt for anything else,
// zero, or an overflow.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// --since: a duration back from `now`, or an RFC 3339 time, as the RFC 3339 UTC text the API's
// created_after takes. nullopt when `text` is neither.
std::optional<std::string> since_to_rfc3339(std::string_view text, TimePoint now);

// For a JSON member holding an RFC 3339 string: its age relative to `now`, or its UTC text.
// Missing, null or unparsable values give kMissing ("-").
std::string age_text(const boost::json::value* time, TimePoint now);
std::string utc_text(const boost::json::value* time);

}  // namespace regen::ctl
