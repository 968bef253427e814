#pragma once
// What one event-loop thread records while it runs: plain counters and histograms that only
// that thread touches (no atomics, no locks on the hot path), merged into one WorkerStats when
// every thread is done.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/latency_histogram.h"

namespace regen::ctl::bench {

// Index 0 counts requests that got no response (transport errors and timeouts).
inline constexpr std::size_t kStatusSlots = 600;

struct RequestStats {
  // http_req_duration in nanoseconds, for requests that got a complete response.
  metrics::LatencyHistogram duration;
  uint64_t requests = 0;     // http_reqs: responses plus transport failures
  uint64_t failed = 0;       // http_req_failed: transport failures, unexpected statuses
  uint64_t skipped = 0;      // not sent: a template could not be rendered
  uint64_t interrupted = 0;  // still in flight when the graceful stop ran out
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  std::array<uint64_t, kStatusSlots> statuses{};
  std::string skip_reason;  // the first one seen

  uint64_t count_in(int low, int high) const;
  void merge(const RequestStats& other);
};

struct CheckStats {
  uint64_t passes = 0;
  uint64_t fails = 0;
};

struct WorkerStats {
  WorkerStats(std::size_t request_count, std::size_t check_count);

  std::vector<RequestStats> requests;  // by request index
  std::vector<CheckStats> checks;      // by check index across the scenario
  metrics::LatencyHistogram all;       // every request's duration
  uint64_t iterations = 0;
  uint64_t dropped_iterations = 0;  // open model: never started before the end
  uint64_t late_iterations = 0;     // open model: waited for a free connection
  uint64_t connections_opened = 0;
  std::map<std::string, uint64_t> transport_errors;  // "connection refused" -> count

  void merge(const WorkerStats& other);
};

}  // namespace regen::ctl::bench
