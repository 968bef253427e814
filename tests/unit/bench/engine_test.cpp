// The event-loop engine against a local keep-alive server: exact counts of requests,
// connections, statuses and checks, never timings.

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include "regenctl/bench/runner.h"
#include "tests/unit/bench/keepalive_server.h"

namespace regen::ctl::bench {
namespace {

using testing::KeepAliveServer;
using testing::Reply;
using testing::SeenRequest;

Scenario scenario_from(const std::string& text) {
  Result<Scenario> scenario = parse_scenario(text, "test.toml");
  INFO((scenario ? "" : scenario.error().message));
  REQUIRE(scenario.ok());
  return std::move(scenario).value();
}

Target target_for(uint16_t port) {
  return {"127.0.0.1", port, "", "http://127.0.0.1:" + std::to_string(port)};
}

Results run(const Scenario& scenario, uint16_t port, int threads = 1) {
  RunOptions options;
  options.threads = threads;
  options.progress = RunOptions::Progress::kNone;
  std::ostringstream progress;
  Result<Results> results = run_scenario(scenario, target_for(port), options, progress);
  INFO((results ? "" : results.error().message));
  REQUIRE(results.ok());
  return std::move(results).value();
}

Reply ok(const SeenRequest& /*request*/, int /*n*/) { return Reply{}; }

TEST_CASE("bench engine: constant users each keep one connection and every response is counted") {
  KeepAliveServer server(ok);
  const Scenario scenario = scenario_from(R"(
vus = 4
duration = "300ms"
[[requests]]
path = "/health"
checks = [{ status = 200 }, { json = "missing" }]
)");
  const Results results = run(scenario, server.port());
  CHECK(results.requests > 4);
  CHECK(results.requests == server.requests().size());
  CHECK(results.statuses.at(200) == results.requests);
  CHECK(results.failed == 0);
  CHECK(results.connections_opened == 4);
  CHECK(server.connections_accepted() == 4);
  CHECK(results.iterations == results.requests);
  CHECK(results.duration.count == results.requests);
  REQUIRE(results.checks.size() == 2);
  CHECK(results.checks[0].passes == results.requests);
  CHECK(results.checks[1].fails == results.requests);
  CHECK(results.interrupted == 0);
  CHECK(results.bytes_received > 0);
  CHECK(results.bytes_sent > 0);
}

TEST_CASE("bench engine: two threads share the users without losing a request") {
  KeepAliveServer server(ok);
  const Scenario scenario = scenario_from(R"(
executor = "constant-connections"
connections = 6
duration = "200ms"
[[requests]]
path = "/x/{{vu}}/{{seq}}"
)");
  const Results results = run(scenario, server.port(), 2);
  const std::vector<SeenRequest> seen = server.requests();
  CHECK(results.requests == seen.size());
  CHECK(results.connections_opened == 6);
  // {{seq}} is unique across the run; {{vu}} spans 1..6.
  std::vector<std::string> targets;
  for (const SeenRequest& request : seen) targets.push_back(request.target);
  std::sort(targets.begin(), targets.end());
  CHECK(std::adjacent_find(targets.begin(), targets.end()) == targets.end());
  for (int vu = 1; vu <= 6; ++vu) {
    const std::string prefix = "/x/" + std::to_string(vu) + "/";
    CHECK(std::any_of(targets.begin(), targets.end(),
                      [&](const std::string& t) { return t.rfind(prefix, 0) == 0; }));
  }
}

TEST_CASE("bench engine: a value extracted from one response fills the next request") {
  KeepAliveServer server([](const SeenRequest& request, int) {
    Reply reply;
    if (request.target == "/list") {
      reply.body = R"({"data":[{"incident_number":42}]})";
      reply.chunked = true;
    }
    return reply;
  });
  const Scenario scenario = scenario_from(R"(
vus = 1
duration = "150ms"
think = "20ms"
headers = { Authorization = "Bearer {{token}}" }
[[requests]]
name = "list"
path = "/list"
extract = { incident = "data.0.incident_number" }
[[requests]]
name = "detail"
method = "PATCH"
path = "/incidents/{{incident}}"
body = '{"n":{{incident}},"iter":{{iter}}}'
)");
  Scenario bound = scenario;
  bind_token(bound, "rgn_test");
  const Results results = run(bound, server.port());
  const std::vector<SeenRequest> seen = server.requests();
  REQUIRE(seen.size() >= 2);
  CHECK(seen[0].target == "/list");
  CHECK(seen[0].headers.at("authorization") == "Bearer rgn_test");
  CHECK(seen[1].method == "PATCH");
  CHECK(seen[1].target == "/incidents/42");
  CHECK(seen[1].body == R"({"n":42,"iter":0})");
  CHECK(seen[1].headers.at("content-length") == std::to_string(seen[1].body.size()));
  CHECK(results.skipped == 0);
}

TEST_CASE("bench engine: a request whose variable was not extracted is skipped, not sent") {
  KeepAliveServer server(ok);  // "{}": no data.0.id
  const Scenario scenario = scenario_from(R"(
vus = 1
duration = "100ms"
think = "20ms"
[[requests]]
name = "list"
path = "/list"
extract = { id = "data.0.id" }
[[requests]]
name = "detail"
path = "/x/{{id}}"
)");
  const Results results = run(scenario, server.port());
  CHECK(results.requests_by_name[1].requests == 0);
  CHECK(results.requests_by_name[1].skipped == results.requests_by_name[0].requests);
  CHECK(results.requests_by_name[1].skip_reason == "no value was extracted for this variable");
  for (const SeenRequest& request : server.requests()) CHECK(request.target == "/list");
}

TEST_CASE("bench engine: statuses outside expected_statuses fail, 5xx and 429 are counted apart") {
  KeepAliveServer server([](const SeenRequest&, int n) {
    Reply reply;
    reply.status = n % 3 == 0 ? 200 : n % 3 == 1 ? 429 : 503;
    return reply;
  });
  const Scenario scenario = scenario_from(R"(
vus = 1
duration = "200ms"
[[requests]]
path = "/"
expected_statuses = ["200-299", 429]
)");
  const Results results = run(scenario, server.port());
  CHECK(results.requests >= 3);
  CHECK(results.failed == results.status_5xx);
  CHECK(results.status_5xx + results.status_429 + results.statuses.at(200) == results.requests);
  CHECK(results.status_429 > 0);
}

TEST_CASE("bench engine: a server closing kept-alive connections causes no failed request") {
  // Says nothing about the close: the next request on that connection meets a closed socket
  // and is retried once on a new connection.
  KeepAliveServer server([](const SeenRequest&, int) {
    Reply reply;
    reply.action = Reply::Action::kRespondClose;
    return reply;
  });
  const Scenario scenario = scenario_from(R"(
vus = 2
duration = "200ms"
[[requests]]
path = "/"
)");
  const Results results = run(scenario, server.port());
  std::string errors;
  for (const auto& [error, count] : results.transport_errors) {
    errors += error + ": " + std::to_string(count) + "; ";
  }
  INFO(errors);
  CHECK(results.requests > 2);
  CHECK(results.failed == 0);
  CHECK(results.requests == server.requests().size());
}

TEST_CASE("bench engine: Connection: close makes the next request use a new connection") {
  KeepAliveServer server([](const SeenRequest&, int) {
    Reply reply;
    reply.action = Reply::Action::kRespondClose;
    reply.extra_headers = "Connection: close\r\n";
    return reply;
  });
  const Scenario scenario = scenario_from(R"(
vus = 1
duration = "100ms"
[[requests]]
path = "/"
)");
  const Results results = run(scenario, server.port());
  CHECK(results.failed == 0);
  CHECK(results.connections_opened == results.requests);
}

TEST_CASE("bench engine: a refused connection is a failed request with no status") {
  const Scenario scenario = scenario_from(R"(
vus = 2
duration = "100ms"
preflight = ""
[[requests]]
path = "/"
)");
  const Results results = run(scenario, testing::closed_port());
  CHECK(results.requests > 0);
  CHECK(results.failed == results.requests);
  CHECK(results.statuses.at(0) == results.requests);
  CHECK(results.transport_errors.at("connection refused") == results.requests);
  CHECK(results.duration.count == 0);
}

TEST_CASE("bench engine: requests still unanswered after the graceful stop are interrupted") {
  KeepAliveServer server([](const SeenRequest&, int) {
    Reply reply;
    reply.action = Reply::Action::kNeverAnswer;
    return reply;
  });
  const Scenario scenario = scenario_from(R"(
vus = 3
duration = "50ms"
graceful_stop = "50ms"
[[requests]]
path = "/"
)");
  const Results results = run(scenario, server.port());
  CHECK(results.interrupted == 3);
  CHECK(results.requests == 0);
  CHECK(results.failed == 0);
}

TEST_CASE("bench engine: a request past its timeout fails and its connection is replaced") {
  int answered = 0;  // the handler runs on the server thread only
  KeepAliveServer server([&answered](const SeenRequest&, int) {
    Reply reply;
    if (answered++ == 0) reply.action = Reply::Action::kNeverAnswer;
    return reply;
  });
  const Scenario scenario = scenario_from(R"(
vus = 1
duration = "400ms"
timeout = "100ms"
[[requests]]
path = "/"
)");
  const Results results = run(scenario, server.port());
  CHECK(results.transport_errors.at("timeout") == 1);
  CHECK(results.failed == 1);
  CHECK(results.connections_opened == 2);
  CHECK(results.statuses.at(200) == results.requests - 1);
}

TEST_CASE("bench engine: ramping users start and stop with the stages") {
  KeepAliveServer server(ok);
  const Scenario scenario = scenario_from(R"(
stages = [{ duration = "100ms", target = 5 }, { duration = "100ms", target = 5 },
          { duration = "100ms", target = 0 }]
think = "5ms"
[[requests]]
path = "/"
)");
  const Results results = run(scenario, server.port());
  CHECK(results.vus_max == 5);
  CHECK(server.connections_accepted() == 5);
  CHECK(results.failed == 0);
  CHECK(results.requests == server.requests().size());
}

TEST_CASE(
    "bench engine: the open model starts iterations on a schedule, on at most N connections") {
  KeepAliveServer server(ok);
  const Scenario scenario = scenario_from(R"(
executor = "constant-arrival-rate"
rate = 200
connections = 3
duration = "250ms"
[[requests]]
path = "/"
)");
  const Results results = run(scenario, server.port());
  // 250 ms at 200/s schedules 50 iterations (the last at 245 ms).
  CHECK(results.iterations + results.dropped_iterations <= 50);
  CHECK(results.iterations > 0);
  CHECK(results.requests == results.iterations);
  CHECK(server.connections_accepted() <= 3);
  CHECK(results.executor == "constant-arrival-rate");
  CHECK(results.rate == 200);
}

}  // namespace
}  // namespace regen::ctl::bench
