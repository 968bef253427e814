#include "regenctl/bench/scenario.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace regen::ctl::bench {
namespace {

using namespace std::chrono_literals;

Scenario parse(const std::string& text) {
  Result<Scenario> scenario = parse_scenario(text, "test.toml");
  INFO((scenario ? "" : scenario.error().message));
  REQUIRE(scenario.ok());
  return std::move(scenario).value();
}

std::string error_of(const std::string& text) {
  Result<Scenario> scenario = parse_scenario(text, "test.toml");
  REQUIRE_FALSE(scenario.ok());
  return scenario.error().message;
}

constexpr const char kMinimal[] = R"(
executor = "constant-vus"
vus = 3
duration = "10s"
[[requests]]
path = "/health"
)";

TEST_CASE("bench scenario: every file in load-tests/ loads") {
  for (const char* name :
       {"webhook-sustained", "webhook-burst", "api-read", "capacity", "health-capacity"}) {
    const std::string path = std::string(REGEN_SOURCE_DIR) + "/load-tests/" + name + ".toml";
    Result<Scenario> scenario = load_scenario(path);
    INFO(path << ": " << (scenario ? "" : scenario.error().message));
    REQUIRE(scenario.ok());
    CHECK(scenario.value().name == name);
    CHECK_FALSE(scenario.value().requests.empty());
  }
}

TEST_CASE("bench scenario: webhook-sustained is 50 users over 5 minutes with its thresholds") {
  Result<Scenario> loaded =
      load_scenario(std::string(REGEN_SOURCE_DIR) + "/load-tests/webhook-sustained.toml");
  REQUIRE(loaded.ok());
  const Scenario& scenario = loaded.value();
  CHECK(scenario.executor == Executor::kRampingVus);
  CHECK(scenario.max_vus() == 50);
  CHECK(scenario.total_duration() == 5min);
  CHECK(scenario.think_min == 100ms);
  CHECK(scenario.think_max == 500ms);
  REQUIRE(scenario.thresholds.size() == 3);
  CHECK(scenario.requests[0].method == "POST");
  CHECK(scenario.requests[0].checks.size() == 2);
  CHECK_FALSE(scenario.uses_token());
}

TEST_CASE(
    "bench scenario: api-read extracts the incident for the detail request and needs a token") {
  Result<Scenario> loaded =
      load_scenario(std::string(REGEN_SOURCE_DIR) + "/load-tests/api-read.toml");
  REQUIRE(loaded.ok());
  const Scenario& scenario = loaded.value();
  CHECK(scenario.uses_token());
  REQUIRE(scenario.requests.size() == 4);
  CHECK(scenario.requests[1].name == "incident_list");
  REQUIRE(scenario.requests[1].extract.size() == 1);
  CHECK(scenario.requests[1].needs_body());
  CHECK_FALSE(scenario.requests[0].needs_body());
  CHECK(scenario.extracted == std::vector<std::string>{"incident"});
  // The common Authorization header reaches every request.
  for (const RequestSpec& request : scenario.requests) {
    bool has_auth = false;
    for (const auto& [name, value] : request.headers) has_auth |= name == "Authorization";
    CHECK(has_auth);
  }
}

TEST_CASE("bench scenario: stages interpolate linearly and ramps reach their target at the end") {
  const Scenario scenario = parse(R"(
stages = [{ duration = "10s", target = 10 }, { duration = "10s", target = 10 },
          { duration = "10s", target = 0 }]
[[requests]]
path = "/"
)");
  CHECK(scenario.executor == Executor::kRampingVus);
  CHECK(scenario.target_vus(0s) == 0);
  CHECK(scenario.target_vus(5s) == 5);
  CHECK(scenario.target_vus(9999ms) == 9);
  CHECK(scenario.target_vus(10s) == 10);
  CHECK(scenario.target_vus(15s) == 10);
  CHECK(scenario.target_vus(25s) == 5);
  CHECK(scenario.target_vus(30s) == 0);
  CHECK(scenario.total_duration() == 30s);
}

TEST_CASE("bench scenario: defaults: GET without a body, POST with one, 200-399 expected") {
  const Scenario scenario = parse(R"(
vus = 1
duration = "1s"
[[requests]]
path = "/a"
[[requests]]
path = "/b"
body = "{}"
)");
  CHECK(scenario.executor == Executor::kConstantVus);
  CHECK(scenario.requests[0].method == "GET");
  CHECK(scenario.requests[0].name == "GET /a");
  CHECK(scenario.requests[1].method == "POST");
  CHECK(scenario.requests[0].expected_statuses.contains(399));
  CHECK_FALSE(scenario.requests[0].expected_statuses.contains(404));
  CHECK(scenario.graceful_stop == 5s);
  CHECK(scenario.preflight_path == "/health");
}

TEST_CASE("bench scenario: errors name the file, the line and the key") {
  CHECK(error_of("stages = [{ duration = \"soon\", target = 1 }]\n[[requests]]\npath = \"/\"\n") ==
        "test.toml:1: stages[0].duration: expected a duration like \"30s\", \"4m\" or \"250ms\", "
        "got \"soon\"");
  CHECK_THAT(error_of("stagez = 1\n" + std::string(kMinimal)),
             Catch::StartsWith("test.toml:1: stagez: unknown key (known: name, description"));
  CHECK_THAT(error_of("vus = 2\nduration = \"1s\"\n[[requests]]\npath = \"/{{vuu}}\"\n"),
             Catch::StartsWith("test.toml:4: requests[0].path: unknown variable 'vuu'"));
  CHECK_THAT(error_of("vus = 2\nduration = \"1s\"\n[[requests]]\npath = \"/\"\n"
                      "checks = [{ status = 700 }]\n"),
             Catch::StartsWith("test.toml:5: requests[0].checks[0].status: '700' is not a status"));
  CHECK_THAT(error_of(std::string(kMinimal) + "[thresholds]\nhttp_req_duration = [\"rate<1\"]\n"),
             Catch::Contains("thresholds.http_req_duration: 'rate<1' does not apply"));
  CHECK_THAT(error_of(std::string(kMinimal) +
                      "[thresholds]\n\"http_req_duration{name:nope}\" = [\"p(99)<1\"]\n"),
             Catch::Contains("no request named 'nope' (requests: GET /health)"));
  CHECK_THAT(error_of("vus = 2\nduration = \"1s\"\n"),
             Catch::Contains("requests: missing: a scenario needs [[requests]]"));
  CHECK_THAT(error_of("executor = \"constant-connections\"\nduration = \"1s\"\n"
                      "think = \"1s\"\n[[requests]]\npath = \"/\"\n"),
             Catch::Contains("test.toml:3: think: not used by the constant-connections executor"));
  CHECK_THAT(error_of("vus = 2\n[[requests]]\npath = \"/\"\n"),
             Catch::Contains("duration: missing: the constant-vus executor needs it"));
  CHECK_THAT(error_of("vus = 2\nduration = \"1s\"\n[[requests]]\npath = \"health\"\n"),
             Catch::Contains("requests[0].path: expected a path starting with '/'"));
  CHECK_THAT(error_of(std::string(kMinimal) + "headers = { Host = \"x\" }\n"),
             Catch::Contains("headers.Host: regenctl sets this header itself"));
}

TEST_CASE("bench scenario: invalid TOML is reported on one line with its line number") {
  const std::string message = error_of("vus = 2\nduration = \n");
  CHECK_THAT(message, Catch::StartsWith("test.toml:2: invalid TOML: "));
  CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("bench scenario: an extract is usable only by later requests") {
  CHECK_THAT(error_of(R"(
vus = 1
duration = "1s"
[[requests]]
path = "/x/{{id}}"
[[requests]]
path = "/list"
extract = { id = "data.0.id" }
)"),
             Catch::Contains("unknown variable 'id'"));
  const Scenario scenario = parse(R"(
vus = 1
duration = "1s"
[[requests]]
path = "/list"
extract = { id = "data.0.id" }
[[requests]]
path = "/x/{{id}}"
)");
  CHECK(scenario.requests[1].path.uses(VarRef::Kind::kExtracted));
}

TEST_CASE("bench scenario: --vus scales ramping stages to a new peak, --duration-scale the time") {
  Result<Scenario> loaded =
      load_scenario(std::string(REGEN_SOURCE_DIR) + "/load-tests/webhook-burst.toml");
  REQUIRE(loaded.ok());
  Scenario scenario = loaded.value();
  Overrides overrides;
  overrides.vus = 50;
  overrides.duration_scale = 0.01;
  REQUIRE(apply_overrides(scenario, overrides).ok());
  CHECK(scenario.max_vus() == 50);
  CHECK(scenario.stages[0].target == 1);  // 10 of 500 scaled to 50, never below 1
  CHECK(scenario.stages.back().target == 0);
  CHECK(scenario.total_duration() == 2s);
}

TEST_CASE("bench scenario: overrides that do not fit the executor are refused") {
  Scenario sustained = parse(R"(
stages = [{ duration = "10s", target = 5 }]
[[requests]]
path = "/"
)");
  Overrides rate;
  rate.rate = 100;
  CHECK_THAT(apply_overrides(sustained, rate).error().message, Catch::Contains("--rate applies"));
  Overrides connections;
  connections.connections = 8;
  CHECK_THAT(apply_overrides(sustained, connections).error().message, Catch::Contains("use --vus"));
  Overrides duration;
  duration.duration = 5s;
  CHECK_THAT(apply_overrides(sustained, duration).error().message,
             Catch::Contains("use --duration-scale"));

  Scenario capacity = parse(R"(
executor = "constant-connections"
duration = "10s"
[[requests]]
path = "/"
)");
  CHECK(capacity.max_vus() == 64);
  Overrides open;
  open.rate = 250;
  open.connections = 16;
  open.duration = 2s;
  REQUIRE(apply_overrides(capacity, open).ok());
  CHECK(capacity.executor == Executor::kConstantArrivalRate);
  CHECK(capacity.rate == 250);
  CHECK(capacity.max_vus() == 16);
  CHECK(capacity.total_duration() == 2s);
  Overrides vus;
  vus.vus = 3;
  CHECK_THAT(apply_overrides(capacity, vus).error().message, Catch::Contains("use --connections"));
}

TEST_CASE("bench scenario: a bare name is looked up in ./load-tests, then $REGEN_LOAD_TESTS") {
  // A directory of its own, so that the test does not depend on the working directory.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("regen-scenarios-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "only-here.toml") << kMinimal;
  std::map<std::string, std::string> env{{"REGEN_LOAD_TESTS", dir.string()}};
  const EnvLookupFn lookup = [&env](std::string_view name) -> std::optional<std::string> {
    auto found = env.find(std::string(name));
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
  Result<std::string> found = resolve_scenario_path("only-here", lookup);
  REQUIRE(found.ok());
  CHECK(found.value() == (dir / "only-here.toml").string());
  const std::string file = std::string(REGEN_SOURCE_DIR) + "/load-tests/api-read.toml";
  CHECK(resolve_scenario_path(file, lookup).value() == file);
  env.clear();
  Result<std::string> missing = resolve_scenario_path("only-here", lookup);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("no scenario named 'only-here' (looked for "
                                                      "./load-tests/only-here.toml, "));
  CHECK_THAT(resolve_scenario_path("x/nope.toml", lookup).error().message,
             Catch::Contains("scenario file x/nope.toml not found"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace regen::ctl::bench
