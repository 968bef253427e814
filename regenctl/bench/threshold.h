#pragma once
// Pass/fail criteria on a run's metrics, written as k6 writes them:
//
//   [thresholds]
//   http_req_duration = ["p(99)<200", "avg<50"]        # milliseconds unless a unit is given
//   "http_req_duration{name:incident_list}" = ["p(99)<300"]
//   http_req_failed = ["rate<0.01"]
//   http_5xx = ["count<5"]
//   checks = ["rate>0.99"]
//
// Metrics and what they accept:
//   trend   http_req_duration                       avg, min, med, max, p(N)  (a duration)
//   rate    http_req_failed, http_5xx, http_429,    rate (a share, 0..1), count (how many)
//           checks, checks_failed
//   counter http_reqs, iterations,                  count, rate (per second)
//           dropped_iterations, interrupted
// The http_* metrics take a {name:REQUEST} tag naming one request of the scenario.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace regen::ctl::bench {

enum class MetricKind { kTrend, kRate, kCounter };

// The kind of a known metric; nullopt for an unknown name.
std::optional<MetricKind> metric_kind(std::string_view metric);
// Whether `metric` takes a {name:...} tag.
bool metric_takes_name(std::string_view metric);
// "http_req_duration, http_req_failed, ...", for messages.
std::string_view known_metrics();

struct Threshold {
  enum class Stat { kAvg, kMin, kMed, kMax, kPercentile, kRate, kCount };
  enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual };

  std::string metric;      // "http_req_duration"
  std::string request;     // the {name:...} tag, "" for all requests
  std::string expression;  // as written: "p(99)<200"
  Stat stat = Stat::kAvg;
  double percentile = 0;  // kPercentile
  Op op = Op::kLess;
  double limit = 0;  // trend stats in milliseconds

  // "http_req_duration" or "http_req_duration{name:incident_list}".
  std::string key() const;
  // "p(99)", "avg", "rate", "count".
  std::string stat_name() const;
  bool holds(double observed) const;
};

// Splits "metric{name:value}" into its parts. kInvalidArgument for a malformed tag, a tag other
// than name, an unknown metric or one that takes no tag.
Result<std::pair<std::string, std::string>> parse_metric_key(std::string_view key);

// Parses one expression for the metric named by `key`. kInvalidArgument naming what is wrong:
// "'p(99)<2xs': expected a number with an optional unit (ms, s, us) after '<'", "'rate<0.1' does
// not apply to http_req_duration (use avg, min, med, max or p(N))".
Result<Threshold> parse_threshold(std::string_view key, std::string_view expression);

// The observed value as the summary shows it: "p(99)=12.31ms", "rate=0.12%", "count=3",
// "rate=41.5/s".
std::string describe_observed(const Threshold& threshold, double observed);

}  // namespace regen::ctl::bench
