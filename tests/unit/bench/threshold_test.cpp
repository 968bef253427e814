#include "regenctl/bench/threshold.h"

#include <catch2/catch.hpp>

#include "regenctl/bench/checks.h"
#include "regenctl/bench/units.h"

namespace regen::ctl::bench {
namespace {

Threshold parse(const std::string& key, const std::string& expression) {
  Result<Threshold> threshold = parse_threshold(key, expression);
  INFO(key << " " << expression << ": " << (threshold ? "" : threshold.error().message));
  REQUIRE(threshold.ok());
  return threshold.value();
}

std::string error_of(const std::string& key, const std::string& expression) {
  Result<Threshold> threshold = parse_threshold(key, expression);
  REQUIRE_FALSE(threshold.ok());
  return threshold.error().message;
}

TEST_CASE("bench threshold: k6 expressions parse, with units on durations") {
  const Threshold p99 = parse("http_req_duration", "p(99)<200");
  CHECK(p99.stat == Threshold::Stat::kPercentile);
  CHECK(p99.percentile == 99);
  CHECK(p99.limit == 200);
  CHECK(p99.holds(199.9));
  CHECK_FALSE(p99.holds(200));
  CHECK(parse("http_req_duration", "p(99.9) < 2s").limit == 2000);
  CHECK(parse("http_req_duration", "avg<=500us").limit == Approx(0.5));
  CHECK(parse("http_req_duration", "med<1").stat == Threshold::Stat::kMed);
  const Threshold rate = parse("http_5xx", "rate<0.001");
  CHECK(rate.holds(0.0));
  CHECK_FALSE(rate.holds(0.001));
  const Threshold count = parse("http_5xx", "count<5");
  CHECK(count.stat == Threshold::Stat::kCount);
  CHECK(count.holds(4));
  CHECK_FALSE(count.holds(5));
  CHECK(parse("checks", "rate>0.99").holds(1.0));
  CHECK(parse("http_reqs", "count>=10").holds(10));
  CHECK(parse("dropped_iterations", "count==0").holds(0));
}

TEST_CASE("bench threshold: a {name:...} tag selects one request") {
  const Threshold threshold = parse("http_req_duration{name:incident_list}", "p(99)<300");
  CHECK(threshold.metric == "http_req_duration");
  CHECK(threshold.request == "incident_list");
  CHECK(threshold.key() == "http_req_duration{name:incident_list}");
  CHECK(parse("http_req_failed{ name: health }", "rate<0.01").request == "health");
}

TEST_CASE("bench threshold: bad metrics, tags, statistics and values are explained") {
  CHECK_THAT(error_of("http_req_durations", "p(99)<1"),
             Catch::Contains("unknown metric 'http_req_durations' (known: http_req_duration"));
  CHECK_THAT(error_of("http_req_duration{status:200}", "p(99)<1"),
             Catch::Contains("the only tag is {name:REQUEST}"));
  CHECK_THAT(error_of("checks{name:x}", "rate>0.9"), Catch::Contains("not per request"));
  CHECK_THAT(
      error_of("http_req_duration", "rate<1"),
      Catch::Contains("does not apply to http_req_duration (use avg, min, med, max or p(N))"));
  CHECK_THAT(error_of("http_req_failed", "p(95)<1"), Catch::Contains("does not apply"));
  CHECK_THAT(error_of("http_req_duration", "p(101)<1"), Catch::Contains("unknown statistic"));
  CHECK_THAT(error_of("http_req_duration", "p(99)<2xs"),
             Catch::Contains("expected milliseconds, or a duration"));
  CHECK_THAT(error_of("http_5xx", "count<five"), Catch::Contains("expected a number after '<'"));
  CHECK_THAT(error_of("http_5xx", "count 5"), Catch::Contains("expected STAT OP VALUE"));
}

TEST_CASE("bench threshold: observed values read as the summary shows them") {
  CHECK(describe_observed(parse("http_req_duration", "p(99)<200"), 12.3456) == "p(99)=12.35ms");
  CHECK(describe_observed(parse("http_5xx", "rate<0.01"), 0.0012) == "rate=0.12%");
  CHECK(describe_observed(parse("http_5xx", "count<5"), 3) == "count=3");
  CHECK(describe_observed(parse("http_reqs", "rate>10"), 41.5) == "rate=41.5/s");
}

TEST_CASE("bench status sets and JSON paths used by checks") {
  Result<StatusSet> set = StatusSet::parse({"200-299", "429"});
  REQUIRE(set.ok());
  CHECK(set.value().contains(204));
  CHECK(set.value().contains(429));
  CHECK_FALSE(set.value().contains(404));
  CHECK(set.value().describe() == "200-299, 429");
  CHECK_FALSE(StatusSet::parse({"299-200"}).ok());
  CHECK_FALSE(StatusSet::parse({"abc"}).ok());

  const boost::json::value document = {{"data", {{{"incident_number", 7}}, {{"id", "x"}}}}};
  Result<JsonPath> path = JsonPath::parse("data.0.incident_number");
  REQUIRE(path.ok());
  REQUIRE(path.value().find(document) != nullptr);
  CHECK(extract_text(path.value().find(document)) == "7");
  CHECK(extract_text(JsonPath::parse("data.1.id").value().find(document)) == "x");
  CHECK(JsonPath::parse("data.5.id").value().find(document) == nullptr);
  CHECK(JsonPath::parse("data.x").value().find(document) == nullptr);
  CHECK_FALSE(JsonPath::parse("data..id").ok());
  CHECK_FALSE(JsonPath::parse("").ok());
  CHECK(json_equal(boost::json::value(1), boost::json::value(1.0)));
  CHECK(json_equal(boost::json::value(uint64_t{5}), boost::json::value(int64_t{5})));
  CHECK_FALSE(json_equal(boost::json::value(-1), boost::json::value(uint64_t{1})));
  CHECK_FALSE(json_equal(boost::json::value("1"), boost::json::value(1)));
}

TEST_CASE("bench units: durations parse and latencies, sizes and spans print compactly") {
  CHECK(parse_duration("1m30s") == std::chrono::seconds(90));
  CHECK(parse_duration("250ms") == std::chrono::milliseconds(250));
  CHECK(parse_duration("1.5s") == std::chrono::milliseconds(1500));
  CHECK(parse_duration("2h") == std::chrono::hours(2));
  CHECK(parse_duration("0s") == std::chrono::seconds(0));
  CHECK_FALSE(parse_duration("30"));
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration(""));
  CHECK(format_latency(812) == "812ns");
  CHECK(format_latency(31250) == "31.25µs");
  CHECK(format_latency(12310000) == "12.31ms");
  CHECK(format_latency(2e9) == "2s");
  CHECK(format_latency(72e9) == "1m12s");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(12345) == "12.3 kB");
  CHECK(format_bytes(3.4e6) == "3.4 MB");
  CHECK(format_span(std::chrono::minutes(5)) == "5m0s");
  CHECK(format_span(std::chrono::milliseconds(2500)) == "2.5s");
  CHECK(format_percent(0.001) == "0.10%");
}

}  // namespace
}  // namespace regen::ctl::bench
