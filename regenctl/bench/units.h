#pragma once
// Text for the quantities a benchmark reads and prints: durations as scenario files write them
// ("30s", "1m30s", "250ms"), latencies, byte counts and rates as the k6-style summary shows
// them. Pure functions, any thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regen::ctl::bench {

using Nanos = std::chrono::nanoseconds;

// One or more <number><unit> terms, units h, m, s, ms, us (or µs), ns; the number may have a
// fraction ("1.5s"). "0s" is zero. nullopt for anything else (a bare number included), a
// negative value, or one past about 290 years.
std::optional<Nanos> parse_duration(std::string_view text);

// A latency for people: "812ns", "31.25µs", "12.31ms", "2.01s", "1m12s": two decimals at most,
// trailing zeros dropped.
std::string format_latency(double nanoseconds);

// A run's length: "45s", "4m0s", "1h2m3s"; under ten seconds with a tenth ("2.5s").
std::string format_span(Nanos span);

// Decimal units as k6 prints them: "512 B", "12 kB", "3.4 MB", "1.2 GB".
std::string format_bytes(double bytes);

// `value` rounded to `decimals` decimals, trailing zeros dropped: "12.5", "3", "0.001".
std::string format_decimal(double value, int decimals);

// A share as a percentage with two decimals: 0.00123 -> "0.12%".
std::string format_percent(double share);

}  // namespace regen::ctl::bench
