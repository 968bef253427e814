// Results from known statistics: thresholds judged, JSON written and read back, the text
// summary and the Markdown report.

#include "regenctl/bench/results.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "regenctl/bench/report.h"
#include "regenctl/bench/summary.h"

namespace regen::ctl::bench {
namespace {

Scenario scenario_from(const std::string& text) {
  Result<Scenario> scenario = parse_scenario(text, "load-tests/test.toml");
  INFO((scenario ? "" : scenario.error().message));
  REQUIRE(scenario.ok());
  return std::move(scenario).value();
}

constexpr const char kTwoRequests[] = R"(
name = "api-read"
stages = [{ duration = "10s", target = 4 }]
[[requests]]
name = "list"
path = "/list"
checks = [{ status = 200 }]
[[requests]]
name = "detail"
path = "/detail"
[thresholds]
"http_req_duration{name:list}" = ["p(99)<10"]
"http_req_duration{name:detail}" = ["p(99)<10"]
http_5xx = ["count<2"]
http_req_failed = ["rate<0.5"]
checks = ["rate>0.9"]
)";

// 100 list requests at 1..100 ms (one 503, one 429), no detail request at all.
WorkerStats sample_stats() {
  WorkerStats stats(2, 1);
  for (int i = 1; i <= 100; ++i) {
    stats.requests[0].duration.record(static_cast<uint64_t>(i) * 1'000'000);
    stats.all.record(static_cast<uint64_t>(i) * 1'000'000);
  }
  stats.requests[0].requests = 101;
  stats.requests[0].statuses[200] = 98;
  stats.requests[0].statuses[503] = 1;
  stats.requests[0].statuses[429] = 1;
  stats.requests[0].statuses[0] = 1;
  stats.requests[0].failed = 3;
  stats.requests[0].bytes_sent = 5000;
  stats.requests[0].bytes_received = 20000;
  stats.checks[0] = {98, 3};
  stats.iterations = 101;
  stats.transport_errors["connection refused"] = 1;
  return stats;
}

RunFacts facts() {
  RunFacts run;
  run.target = "http://127.0.0.1:8080";
  run.started_at = "2026-11-22T10:00:00.000Z";
  run.duration_s = 10;
  return run;
}

TEST_CASE("bench results: figures add up and thresholds are judged, no samples failing") {
  const Scenario scenario = scenario_from(kTwoRequests);
  const Results results = build_results(scenario, sample_stats(), facts());
  CHECK(results.requests == 101);
  CHECK(results.failed == 3);
  CHECK(results.status_5xx == 1);
  CHECK(results.status_429 == 1);
  CHECK(results.statuses.at(0) == 1);
  CHECK(results.duration.count == 100);
  CHECK(results.duration.p99 == Approx(99).epsilon(0.01));
  CHECK(results.per_second(double(results.requests)) == Approx(10.1));
  REQUIRE(results.thresholds.size() == 5);
  // In file order is not guaranteed (TOML tables are sorted); find each.
  for (const ThresholdOutcome& outcome : results.thresholds) {
    INFO(outcome.key() << " " << outcome.expression << " " << outcome.observed_text);
    if (outcome.request == "list") {
      CHECK_FALSE(outcome.ok);
      CHECK(outcome.observed_text == "p(99)=98.83ms");
    } else if (outcome.request == "detail") {
      CHECK_FALSE(outcome.ok);
      CHECK_FALSE(outcome.observed);
      CHECK(outcome.observed_text ==
            "no samples: nothing was recorded for http_req_duration{name:detail}");
    } else if (outcome.metric == "http_5xx") {
      CHECK(outcome.ok);
      CHECK(outcome.observed_text == "count=1");
    } else if (outcome.metric == "checks") {
      CHECK(outcome.ok);
    } else {
      CHECK(outcome.ok);
    }
  }
  CHECK_FALSE(results.thresholds_ok());
}

TEST_CASE("bench results: JSON carries every figure and reads back the same") {
  const Results results = build_results(scenario_from(kTwoRequests), sample_stats(), facts());
  const boost::json::value json = results_to_json(results);
  const boost::json::value reparsed = boost::json::parse(boost::json::serialize(json));
  CHECK(reparsed.at("schema") == "regen-bench/1");
  CHECK(reparsed.at("scenario").at("name") == "api-read");
  CHECK(reparsed.at("thresholds_ok") == false);
  CHECK(reparsed.at("metrics").at("http_reqs").at("count").to_number<int>() == 101);
  CHECK(reparsed.at("metrics").at("http_429").at("count").to_number<int>() == 1);
  CHECK(reparsed.at("statuses").at("503").to_number<int>() == 1);
  CHECK(reparsed.at("requests").at(0).at("name") == "list");
  CHECK(reparsed.at("requests").at(0).at("http_req_duration").at("p99").to_number<double>() ==
        Approx(99).epsilon(0.01));

  Result<Results> back = results_from_json(reparsed);
  INFO((back ? "" : back.error().message));
  REQUIRE(back.ok());
  const Results& read = back.value();
  CHECK(read.scenario == results.scenario);
  CHECK(read.requests == results.requests);
  CHECK(read.status_429 == results.status_429);
  CHECK(read.statuses == results.statuses);
  CHECK(read.transport_errors == results.transport_errors);
  CHECK(read.duration.p99 == results.duration.p99);
  CHECK(read.requests_by_name.size() == 2);
  CHECK(read.thresholds.size() == results.thresholds.size());
  CHECK(read.thresholds_ok() == results.thresholds_ok());
  CHECK(read.check_fails == 3);
  CHECK(render_report({read}) == render_report({results}));
}

TEST_CASE("bench results: a file that is not bench results is refused with the member it lacks") {
  Result<Results> other = results_from_json(boost::json::parse(R"({"schema":"x"})"));
  REQUIRE_FALSE(other.ok());
  CHECK_THAT(other.error().message, Catch::Contains("not a regenctl bench results file"));
  boost::json::value json =
      results_to_json(build_results(scenario_from(kTwoRequests), sample_stats(), facts()));
  json.as_object()["metrics"].as_object().erase("http_reqs");
  Result<Results> broken = results_from_json(json);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message == "missing or mistyped member metrics.http_reqs");
}

TEST_CASE("bench summary: the k6 layout with thresholds, checks, HTTP, execution and network") {
  const Results results = build_results(scenario_from(kTwoRequests), sample_stats(), facts());
  const std::string text = render_text_summary(results, false);
  for (const char* expected : {"scenario: api-read (load-tests/test.toml)",
                               "█ THRESHOLDS",
                               "http_req_duration{name:list}",
                               "✗ 'p(99)<10' p(99)=98.83ms",
                               "✓ 'count<2' count=1",
                               "█ TOTAL RESULTS",
                               "checks_succeeded",
                               "✗ list: status is 200",
                               "HTTP",
                               "http_req_duration..",
                               "{ name:list }",
                               "http_req_failed",
                               "2.97%   3 out of 101",
                               "http_reqs",
                               "101     10.1/s",
                               "http_429",
                               "none=1 200=98 429=1 503=1",
                               "1 × connection refused",
                               "EXECUTION",
                               "NETWORK",
                               "data_received",
                               "20 kB",
                               "FAILED"}) {
    INFO(expected);
    CHECK_THAT(text, Catch::Contains(expected));
  }
  CHECK(text.find("\x1b[") == std::string::npos);
  CHECK_THAT(render_text_summary(results, true), Catch::Contains("\x1b[31m✗\x1b[0m"));
}

TEST_CASE("bench report: reliability tables by scenario, one row per run") {
  Results sustained = build_results(scenario_from(kTwoRequests), sample_stats(), facts());
  sustained.scenario = "webhook-sustained";
  Results burst = sustained;
  burst.scenario = "webhook-burst";
  Results api = sustained;
  api.scenario = "api-read";
  Results capacity = sustained;
  capacity.scenario = "capacity";
  capacity.executor = "constant-arrival-rate";
  capacity.rate = 500;
  capacity.late_iterations = 7;
  Results other = sustained;
  other.scenario = "mine";
  const std::string report = render_report({other, burst, sustained, api, capacity, sustained});
  CHECK(report.find("## Webhook ingestion, sustained") < report.find("## Webhook burst"));
  CHECK(report.find("## Webhook burst") < report.find("## API reads"));
  CHECK(report.find("## API reads") < report.find("## Capacity"));
  CHECK(report.find("## Capacity") < report.find("## Other scenarios"));
  CHECK_THAT(report, Catch::Contains("| started | users | duration | requests | req/s | p50 |"));
  CHECK_THAT(report, Catch::Contains("| 2026-11-22 10:00 UTC | 4 | 10s | 101 | 10.1 |"));
  CHECK_THAT(report, Catch::Contains("| 1 | 1 | 0.99% |"));  // burst: 5xx, 429, 429 share
  CHECK_THAT(report, Catch::Contains("| 2026-11-22 10:00 UTC | list | 101 |"));
  CHECK_THAT(report, Catch::Contains("| capacity | open, 500/s | 4 |"));
  CHECK_THAT(report, Catch::Contains("| 7 / 0 |"));
  CHECK_THAT(report, Catch::Contains("✗ 3/5: http_req_duration{name:detail} p(99)<10 (no samples"));
  CHECK_THAT(report, Catch::Contains("http_req_duration{name:list} p(99)<10 (p(99)=98.83ms)"));
  CHECK_THAT(report, Catch::Contains("Target `http://127.0.0.1:8080`."));
  // Two sustained runs give two rows.
  const std::size_t section = report.find("## Webhook ingestion");
  const std::size_t next = report.find("## Webhook burst");
  std::size_t rows = 0;
  for (std::size_t at = report.find("| 2026", section); at < next;
       at = report.find("| 2026", at + 1)) {
    ++rows;
  }
  CHECK(rows == 2);
  CHECK_THAT(render_markdown_summary(sustained),
             Catch::Contains("| http_req_duration{name:list} | p(99)<10 |"));
}

}  // namespace
}  // namespace regen::ctl::bench
