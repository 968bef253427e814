#include "common/metrics.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace regen::metrics {
namespace {

TEST_CASE("metrics: a small registry renders the exact text format") {
  Registry registry;
  Family<Counter>& requests =
      registry.counter("regen_http_requests_total", "HTTP requests.", {"route", "method", "code"});
  Family<Gauge>& inflight = registry.gauge("regen_http_inflight_requests", "Requests in flight.");
  Family<Histogram>& duration = registry.histogram("regen_http_request_duration_seconds",
                                                   "Request latency.", {"route"}, {0.25, 1});
  registry.gauge("regen_build_info", "Build.", {"version"}).with({"0.1.0"}).set(1);

  requests.with({"/health", "GET", "200"}).inc();
  requests.with({"/health", "GET", "200"}).inc(2);
  requests.with({"/api/v1/alerts", "POST", "202"}).inc();
  inflight.with({}).set(3);
  Histogram& health = duration.with({"/health"});
  health.observe(0.125);
  health.observe(0.25);
  health.observe(0.5);
  health.observe(7);

  CHECK(registry.render() ==
        "# HELP regen_http_requests_total HTTP requests.\n"
        "# TYPE regen_http_requests_total counter\n"
        "regen_http_requests_total{route=\"/api/v1/alerts\",method=\"POST\",code=\"202\"} 1\n"
        "regen_http_requests_total{route=\"/health\",method=\"GET\",code=\"200\"} 3\n"
        "# HELP regen_http_inflight_requests Requests in flight.\n"
        "# TYPE regen_http_inflight_requests gauge\n"
        "regen_http_inflight_requests 3\n"
        "# HELP regen_http_request_duration_seconds Request latency.\n"
        "# TYPE regen_http_request_duration_seconds histogram\n"
        "regen_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.25\"} 2\n"
        "regen_http_request_duration_seconds_bucket{route=\"/health\",le=\"1\"} 3\n"
        "regen_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 4\n"
        "regen_http_request_duration_seconds_sum{route=\"/health\"} 7.875\n"
        "regen_http_request_duration_seconds_count{route=\"/health\"} 4\n"
        "# HELP regen_build_info Build.\n"
        "# TYPE regen_build_info gauge\n"
        "regen_build_info{version=\"0.1.0\"} 1\n");
}

TEST_CASE("metrics: an unlabelled family is exposed as 0 before its first update") {
  Registry registry;
  registry.counter("jobs_total", "Jobs.");
  registry.counter("unused_total", "Never used.", {"kind"});
  CHECK(registry.render() == "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 0\n");
}

TEST_CASE("metrics: help text and label values are escaped") {
  Registry registry;
  registry.counter("escaped_total", "A \\ backslash\nand a \"quote\".", {"path"})
      .with({"a\\b\"c\"\nd"})
      .inc();
  CHECK(registry.render() ==
        "# HELP escaped_total A \\\\ backslash\\nand a \"quote\".\n"
        "# TYPE escaped_total counter\n"
        "escaped_total{path=\"a\\\\b\\\"c\\\"\\nd\"} 1\n");
}

TEST_CASE("metrics: ill-formed UTF-8 in a label value is replaced, not copied") {
  Registry registry;
  registry.counter("bytes_total", "B.", {"v"}).with({"ok\xff\xc3(é"}).inc();
  CHECK(registry.render().find("bytes_total{v=\"ok\xEF\xBF\xBD\xEF\xBF\xBD(é\"} 1\n") !=
        std::string::npos);
}

TEST_CASE("metrics: numbers are formatted so Prometheus parses them") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(-0.0) == "0");
  CHECK(format_value(42) == "42");
  CHECK(format_value(-7) == "-7");
  CHECK(format_value(1e6) == "1000000");
  CHECK(format_value(9007199254740991.0) == "9007199254740991");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(1e-7) == "1e-07");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
}

TEST_CASE("metrics: histogram buckets are cumulative, inclusive of the bound, and end in +Inf") {
  Registry registry;
  Histogram& histogram = registry
                             .histogram("size_bytes", "Sizes.", {},
                                        {10, 100, 1000, std::numeric_limits<double>::infinity()})
                             .with({});
  REQUIRE(histogram.upper_bounds() == std::vector<double>{10, 100, 1000});
  for (double value : {1.0, 10.0, 11.0, 100.0, 5000.0, std::nan("")}) histogram.observe(value);
  CHECK(histogram.bucket_counts() == std::vector<std::uint64_t>{2, 2, 0, 2});

  histogram.observe(-1);
  const std::string text = registry.render();
  CHECK(text.find("size_bytes_bucket{le=\"10\"} 3\n"
                  "size_bytes_bucket{le=\"100\"} 5\n"
                  "size_bytes_bucket{le=\"1000\"} 5\n"
                  "size_bytes_bucket{le=\"+Inf\"} 7\n"
                  "size_bytes_sum NaN\n"
                  "size_bytes_count 7\n") != std::string::npos);
}

TEST_CASE("metrics: counters ignore negative and NaN increments, gauges go both ways") {
  Registry registry;
  Counter& counter = registry.counter("c_total", "C.").with({});
  counter.inc(2.5);
  counter.inc(-1);
  counter.inc(std::nan(""));
  CHECK(counter.value() == 2.5);

  Gauge& gauge = registry.gauge("g", "G.").with({});
  gauge.inc();
  gauge.add(4);
  gauge.dec();
  gauge.add(-10);
  CHECK(gauge.value() == -6);
}

TEST_CASE("metrics: with() returns the same child for the same label values") {
  Registry registry;
  Family<Counter>& family = registry.counter("same_total", "S.", {"a", "b"});
  Counter* first = &family.with({"x", "y"});
  CHECK(&family.with({"x", "y"}) == first);
  CHECK(&family.with({"xy", ""}) != first);
  CHECK(&family.with({"", "xy"}) != &family.with({"xy", ""}));
  CHECK(family.size() == 3);
}

TEST_CASE("metrics: several threads incrementing one counter reach the exact total") {
  Registry registry;
  Family<Counter>& family = registry.counter("hits_total", "Hits.", {"route"});
  Histogram& histogram = registry.histogram("obs", "O.", {}, {0.5}).with({});
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        family.with({"/x"}).inc();
        histogram.observe(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(family.with({"/x"}).value() == kThreads * kIncrements);
  CHECK(histogram.sum() == kThreads * kIncrements);
  CHECK(histogram.bucket_counts() == std::vector<std::uint64_t>{0, kThreads * kIncrements});
}

TEST_CASE("metrics: past its cap a family maps new label values to one 'other' child") {
  Registry registry;
  Family<Counter>& family = registry.counter("paths_total", "Paths.", {"path", "method"}, 3);
  for (int i = 0; i < 1000; ++i) family.with({"/p" + std::to_string(i), "GET"}).inc();
  CHECK(family.size() == 4);
  CHECK(family.with({"/p1", "GET"}).value() == 1);
  Counter& overflow = family.with({"/p999", "GET"});
  CHECK(&overflow == &family.with({"other", "other"}));
  CHECK(overflow.value() == 997);
  CHECK(registry.render().find("paths_total{path=\"other\",method=\"other\"} 997\n") !=
        std::string::npos);
}

TEST_CASE("metrics: collectors write their families after the registered ones") {
  Registry registry;
  registry.gauge("registered", "R.");
  int queue_depth = 5;
  registry.add_collector([&](Exposition& out) {
    out.gauge("regen_queue_depth", "Queued.", queue_depth);
    out.begin_counter("regen_outbox_sent_total", "Sent.");
    out.sample(2, {{"channel", "slack"}});
    out.sample(0.5, {{"channel", "pager\"duty"}});
  });
  queue_depth = 7;
  CHECK(registry.render() ==
        "# HELP registered R.\n# TYPE registered gauge\nregistered 0\n"
        "# HELP regen_queue_depth Queued.\n# TYPE regen_queue_depth gauge\n"
        "regen_queue_depth 7\n"
        "# HELP regen_outbox_sent_total Sent.\n# TYPE regen_outbox_sent_total counter\n"
        "regen_outbox_sent_total{channel=\"slack\"} 2\n"
        "regen_outbox_sent_total{channel=\"pager\\\"duty\"} 0.5\n");
}

TEST_CASE("metrics: the content type is the text format 0.0.4") {
  CHECK(kContentType == "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace regen::metrics
