#include "common/process_metrics.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace regen::metrics {
namespace {

constexpr const char kPromtool[] = "/usr/bin/promtool";

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct PromtoolResult {
  int exit_code = -1;
  std::string output;
};

// Runs `promtool check metrics` with `exposition` on its standard input.
PromtoolResult promtool_check(const std::string& exposition) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::string input = (dir / "regen-metrics-XXXXXX").string();
  const int fd = mkstemp(input.data());
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, exposition.data(), exposition.size()) ==
          static_cast<ssize_t>(exposition.size()));
  close(fd);
  const std::string output = input + ".out";
  const std::string command =
      std::string(kPromtool) + " check metrics < '" + input + "' > '" + output + "' 2>&1";
  const int status = std::system(command.c_str());
  PromtoolResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(output);
  result.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  return result;
}

TEST_CASE("process metrics: the values read from /proc/self are plausible") {
  const ProcessStats stats = read_process_stats();
  REQUIRE(stats.cpu_seconds);
  CHECK(*stats.cpu_seconds >= 0);
  REQUIRE(stats.resident_memory_bytes);
  CHECK(*stats.resident_memory_bytes > 0);
  REQUIRE(stats.virtual_memory_bytes);
  CHECK(*stats.virtual_memory_bytes >= *stats.resident_memory_bytes);
  REQUIRE(stats.open_fds);
  CHECK(*stats.open_fds >= 3);
  REQUIRE(stats.max_fds);
  CHECK(*stats.max_fds >= *stats.open_fds);
  REQUIRE(stats.start_time_seconds);
  CHECK(*stats.start_time_seconds > unix_now() - 3600);
  CHECK(*stats.start_time_seconds < unix_now() + 2);
}

TEST_CASE("process metrics: an open file is counted in the open fds") {
  const double before = read_process_stats().open_fds.value_or(-1);
  const int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const double during = read_process_stats().open_fds.value_or(-1);
  close(fd);
  CHECK(during == before + 1);
}

TEST_CASE("process metrics: the collector writes the client libraries' names and types") {
  Registry registry;
  add_process_collector(registry);
  const std::string text = registry.render();
  for (const char* line :
       {"# TYPE process_cpu_seconds_total counter\n",
        "# TYPE process_resident_memory_bytes gauge\n",
        "# TYPE process_virtual_memory_bytes gauge\n", "# TYPE process_open_fds gauge\n",
        "# TYPE process_max_fds gauge\n", "# TYPE process_start_time_seconds gauge\n"}) {
    INFO(line);
    CHECK(text.find(line) != std::string::npos);
  }
}

TEST_CASE("metrics: promtool accepts a scrape with every metric type and the process metrics") {
  if (!std::filesystem::exists(kPromtool)) {
    FAIL("no " << kPromtool << ": run scripts/install-deps.sh (Debian's prometheus package)");
  }
  Registry registry;
  Family<Counter>& requests = registry.counter("regen_http_requests_total", "HTTP requests.",
                                               {"route", "method", "code"}, 2);
  requests.with({"/health", "GET", "200"}).inc();
  requests.with({"/api/v1/alerts", "POST", "202"}).inc(3);
  requests.with({"/unbounded", "GET", "404"}).inc();  // past the cap: the "other" child
  Family<Histogram>& duration =
      registry.histogram("regen_http_request_duration_seconds", "HTTP request latency.", {"route"},
                         default_duration_buckets());
  duration.with({"/health"}).observe(0.003);
  duration.with({"/api/v1/alerts"}).observe(0.2);
  registry.gauge("regen_http_inflight_requests", "Requests being served.").with({}).set(2);
  registry.counter("regen_alerts_received_total", "Alerts received.", {"source"})
      .with({"grafana \"prod\"\n\\east"})
      .inc(0.5);
  registry.gauge("regen_build_info", "Build of this regend.", {"version"}).with({"0.1.0"}).set(1);
  registry.add_collector([](Exposition& out) {
    out.gauge("regen_queue_depth", "Alerts queued for the writer.", 4);
    out.begin_counter("regen_notifications_sent_total", "Notifications sent.");
    out.sample(1e21, {{"channel", "slack"}});
    out.sample(0.125, {{"channel", "email"}});
  });
  add_process_collector(registry);

  const PromtoolResult result = promtool_check(registry.render());
  INFO(result.output);
  CHECK(result.exit_code == 0);

  // The harness itself must see failures: promtool rejects a malformed exposition.
  CHECK(promtool_check("bad_total{\n").exit_code != 0);
}

}  // namespace
}  // namespace regen::metrics
