#include "regenctl/bench/worker_stats.h"

#include <algorithm>

namespace regen::ctl::bench {

uint64_t RequestStats::count_in(int low, int high) const {
  uint64_t total = 0;
  for (int status = std::max(low, 0); status <= high && status < static_cast<int>(kStatusSlots);
       ++status) {
    total += statuses[static_cast<std::size_t>(status)];
  }
  return total;
}

void RequestStats::merge(const RequestStats& other) {
  duration.merge(other.duration);
  requests += other.requests;
  failed += other.failed;
  skipped += other.skipped;
  interrupted += other.interrupted;
  bytes_sent += other.bytes_sent;
  bytes_received += other.bytes_received;
  for (std::size_t i = 0; i < kStatusSlots; ++i) statuses[i] += other.statuses[i];
  if (skip_reason.empty()) skip_reason = other.skip_reason;
}

WorkerStats::WorkerStats(std::size_t request_count, std::size_t check_count)
    : requests(request_count), checks(check_count) {}

void WorkerStats::merge(const WorkerStats& other) {
  for (std::size_t i = 0; i < requests.size() && i < other.requests.size(); ++i) {
    requests[i].merge(other.requests[i]);
  }
  for (std::size_t i = 0; i < checks.size() && i < other.checks.size(); ++i) {
    checks[i].passes += other.checks[i].passes;
    checks[i].fails += other.checks[i].fails;
  }
  all.merge(other.all);
  iterations += other.iterations;
  dropped_iterations += other.dropped_iterations;
  late_iterations += other.late_iterations;
  connections_opened += other.connections_opened;
  for (const auto& [error, count] : other.transport_errors) transport_errors[error] += count;
}

}  // namespace regen::ctl::bench
