#include "common/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace regen::metrics {
namespace {

std::optional<std::string> read_file(const char* path) {
  // /proc files report a size of 0: read to the end rather than by size.
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<double> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return static_cast<double>(value);
}

// "btime <seconds>" in /proc/stat: boot time as a Unix time.
std::optional<double> boot_time_seconds() {
  std::optional<std::string> stat = read_file("/proc/stat");
  if (!stat) return std::nullopt;
  std::istringstream lines(*stat);
  std::string key;
  std::string value;
  while (lines >> key >> std::ws && std::getline(lines, value)) {
    if (key == "btime") return parse_number(value);
  }
  return std::nullopt;
}

// Fields of /proc/self/stat (proc(5)), 1-based, as strings.
std::vector<std::string> stat_fields() {
  std::optional<std::string> stat = read_file("/proc/self/stat");
  if (!stat) return {};
  // Field 2, the command name in parentheses, may itself hold spaces and ')'.
  std::size_t close = stat->rfind(')');
  if (close == std::string::npos) return {};
  std::vector<std::string> fields{"", "", ""};  // 0 unused, 1 pid, 2 comm
  std::istringstream rest(stat->substr(close + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

void fill_from_stat(ProcessStats& stats) {
  constexpr std::size_t kUtime = 14, kStime = 15, kStartTime = 22, kVsize = 23, kRss = 24;
  const std::vector<std::string> fields = stat_fields();
  if (fields.size() <= kRss) return;
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page_size = sysconf(_SC_PAGESIZE);
  std::optional<double> utime = parse_number(fields[kUtime]);
  std::optional<double> stime = parse_number(fields[kStime]);
  if (utime && stime && ticks > 0) stats.cpu_seconds = (*utime + *stime) / ticks;
  std::optional<double> start = parse_number(fields[kStartTime]);
  std::optional<double> boot = boot_time_seconds();
  if (start && boot && ticks > 0) stats.start_time_seconds = *boot + *start / ticks;
  stats.virtual_memory_bytes = parse_number(fields[kVsize]);
  std::optional<double> rss_pages = parse_number(fields[kRss]);
  if (rss_pages && page_size > 0) stats.resident_memory_bytes = *rss_pages * page_size;
}

std::optional<double> count_open_fds() {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/self/fd", error);
  if (error) return std::nullopt;
  double count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return std::nullopt;
    ++count;
  }
  return count;
}

}  // namespace

ProcessStats read_process_stats() {
  ProcessStats stats;
  fill_from_stat(stats);
  stats.open_fds = count_open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = static_cast<double>(limit.rlim_cur);
  return stats;
}

void write_process_metrics(const ProcessStats& stats, Exposition& out) {
  if (stats.cpu_seconds) {
    out.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                *stats.cpu_seconds);
  }
  if (stats.open_fds) {
    out.gauge("process_open_fds", "Number of open file descriptors.", *stats.open_fds);
  }
  if (stats.max_fds) {
    out.gauge("process_max_fds", "Maximum number of open file descriptors.", *stats.max_fds);
  }
  if (stats.virtual_memory_bytes) {
    out.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
              *stats.virtual_memory_bytes);
  }
  if (stats.resident_memory_bytes) {
    out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
              *stats.resident_memory_bytes);
  }
  if (stats.start_time_seconds) {
    out.gauge("process_start_time_seconds",
              "Start time of the process since unix epoch in seconds.", *stats.start_time_seconds);
  }
}

void add_process_collector(Registry& registry) {
  registry.add_collector([](Exposition& out) { write_process_metrics(read_process_stats(), out); });
}

}  // namespace regen::metrics
