#pragma once
// A finished run's figures: what the summary, the JSON file and `bench report` show. Built
// from the merged per-thread statistics (build_results), with the thresholds judged, and
// written to / read back from JSON (schema "regen-bench/1", documented in docs/CLI.md).
// Latencies are in milliseconds here, as k6 reports them.

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/latency_histogram.h"
#include "common/result.h"
#include "regenctl/bench/scenario.h"
#include "regenctl/bench/worker_stats.h"

namespace regen::ctl::bench {

inline constexpr std::string_view kResultsSchema = "regen-bench/1";

struct TrendFigures {
  uint64_t count = 0;
  double avg = 0;
  double min = 0;
  double med = 0;
  double max = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;
  double p999 = 0;
};

// Milliseconds from a histogram of nanoseconds.
TrendFigures trend_of(const metrics::LatencyHistogram& nanoseconds);

struct RequestFigures {
  std::string name;
  std::string method;
  std::string path;  // the template as written
  TrendFigures duration;
  uint64_t requests = 0;
  uint64_t failed = 0;
  uint64_t status_5xx = 0;
  uint64_t status_429 = 0;
  uint64_t skipped = 0;
  std::string skip_reason;
  uint64_t interrupted = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  std::map<int, uint64_t> statuses;  // 0: no response
};

struct CheckFigures {
  std::string name;
  uint64_t passes = 0;
  uint64_t fails = 0;
};

struct ThresholdOutcome {
  std::string metric;
  std::string request;  // the {name:...} tag, "" for none
  std::string expression;
  std::optional<double> observed;  // nullopt: the metric had no samples
  std::string observed_text;       // "p(99)=12.31ms", or "no samples"
  bool ok = false;

  std::string key() const { return request.empty() ? metric : metric + "{name:" + request + "}"; }
};

struct Results {
  std::string scenario;
  std::string description;
  std::string file;
  std::string executor;
  std::string target;
  std::string started_at;  // RFC 3339 UTC
  double duration_s = 0;   // measured: from the first stage's start to the last response
  double planned_duration_s = 0;
  int vus_max = 0;  // users, or connections for the connection executors
  double rate = 0;  // open model: the arrival rate; 0 otherwise
  int threads = 1;
  double duration_scale = 1;
  bool stopped_early = false;  // Ctrl-C
  // CPU the load generator itself used during the run: a share near threads * 100 % of its
  // duration means it, not the target, may have been the bottleneck.
  double cpu_user_s = 0;
  double cpu_system_s = 0;

  TrendFigures duration;
  uint64_t requests = 0;
  uint64_t failed = 0;
  uint64_t status_5xx = 0;
  uint64_t status_429 = 0;
  uint64_t skipped = 0;
  uint64_t interrupted = 0;
  uint64_t iterations = 0;
  uint64_t dropped_iterations = 0;
  uint64_t late_iterations = 0;
  uint64_t connections_opened = 0;
  uint64_t check_passes = 0;
  uint64_t check_fails = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  std::map<int, uint64_t> statuses;
  std::map<std::string, uint64_t> transport_errors;
  std::vector<RequestFigures> requests_by_name;
  std::vector<CheckFigures> checks;
  std::vector<ThresholdOutcome> thresholds;

  bool thresholds_ok() const;
  // Per second of duration_s; 0 for a zero duration.
  double per_second(double count) const;
};

struct RunFacts {
  std::string target;
  std::string started_at;
  double duration_s = 0;
  int threads = 1;
  double duration_scale = 1;
  bool stopped_early = false;
  double cpu_user_s = 0;
  double cpu_system_s = 0;
};

// The figures of a run, thresholds judged. REQUIRES: stats sized for `scenario`.
Results build_results(const Scenario& scenario, const WorkerStats& stats, const RunFacts& facts);

boost::json::value results_to_json(const Results& results);
// kInvalidArgument naming the first missing or mistyped member ("metrics.http_reqs.count").
Result<Results> results_from_json(const boost::json::value& json);

}  // namespace regen::ctl::bench
