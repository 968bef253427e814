#pragma once
// The standard process_* metrics of the Prometheus client libraries (same names, types and help
// text), read from /proc/self at scrape time: CPU seconds, resident and virtual memory, open
// and maximum file descriptors, start time.

#include <optional>

#include "common/metrics.h"

namespace regen::metrics {

// A snapshot of the calling process; a field is nullopt when its source could not be read
// (no /proc, a format we do not recognise). Any thread; reads a few small /proc files.
struct ProcessStats {
  std::optional<double> cpu_seconds;            // user + system, /proc/self/stat
  std::optional<double> resident_memory_bytes;  // rss pages x page size, /proc/self/stat
  std::optional<double> virtual_memory_bytes;   // vsize, /proc/self/stat
  std::optional<double> open_fds;               // entries of /proc/self/fd
  std::optional<double> max_fds;                // soft RLIMIT_NOFILE, as in /proc/self/limits
  std::optional<double> start_time_seconds;     // Unix time: btime + starttime / clock ticks
};

ProcessStats read_process_stats();

// Writes one family per known field of `stats`; unknown fields are left out, not written as 0.
void write_process_metrics(const ProcessStats& stats, Exposition& out);

// Adds a collector writing read_process_stats() on every render.
void add_process_collector(Registry& registry);

}  // namespace regen::metrics
