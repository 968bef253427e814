// `regenctl bench` against a real regend: the shipped scenarios at a tiny --duration-scale,
// exact counts (every 200 is a stored alert), threshold verdicts as exit codes, the JSON
// results and the report made from them. No assertion depends on how fast anything is.

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/api_fixture.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/regend_process.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::RegendProcess;

namespace {

struct CtlResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// regenctl with an environment that cannot steer it (no REGEN_* variables, HOME in a fresh
// directory), run from `cwd`'s parent-free temp dir.
CtlResult regenctl(std::vector<std::string> args) {
  regen::test::TempDir dir;
  args.insert(args.begin(), REGENCTL_BINARY);
  CtlResult result;
  {
    regen::test::Subprocess process(args, dir.file("output"), {{"HOME", dir.file("home")}},
                                    {"REGEN_URL", "REGEN_TOKEN", "REGEN_ADMIN_SOCKET", "NO_COLOR",
                                     "XDG_CONFIG_HOME", "REGEN_LOAD_TESTS"});
    result.exit_code = process.wait_exit(120s).value_or(-1);
  }
  result.output = regen::test::read_file(dir.file("output"));
  return result;
}

std::string scenario_file(const std::string& name) {
  return std::string(REGEN_SOURCE_DIR) + "/load-tests/" + name + ".toml";
}

// A regend whose rate limits leave the load generator alone, as scripts/bench-smoke.sh runs it.
struct Target {
  RegendProcess regend{
      regen::test::RegendOptions{.env = {{"REGEN_RATE_LIMIT_EXEMPT", "127.0.0.0/8"}}}};
  regen::test::TempDir files;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(regend.port()); }

  std::string create_token() const {
    json::object reply = regend.admin("tokens.create", {{"name", "bench"}, {"role", "viewer"}});
    REQUIRE(reply.at("ok").as_bool());
    return std::string(reply.at("data").at("token").as_string());
  }

  // Runs `bench run` quietly with --out; returns the exit code and the results file's JSON.
  std::pair<CtlResult, json::value> run(const std::string& scenario,
                                        std::vector<std::string> extra = {}) {
    const std::string out = files.file("results-" + std::to_string(runs_++) + ".json");
    std::vector<std::string> args{"bench", "run", scenario, "--target", url(), "-q", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    CtlResult result = regenctl(args);
    INFO(result.output);
    REQUIRE((result.exit_code == 0 || result.exit_code == 99));
    return {result, json::parse(regen::test::read_file(out))};
  }

  // Read from the database itself: the API's list totals stop counting at a bound (API.md).
  int64_t alerts_stored() const {
    SQLite::Database db(regend.dir().file("var/regen.db"), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT COUNT(*) FROM alerts").getInt64();
  }

 private:
  int runs_ = 0;
};

int64_t number(const json::value& value) { return value.to_number<int64_t>(); }

// The exit code says what the results file says.
void check_verdict(const CtlResult& result, const json::value& results) {
  INFO(result.output);
  CHECK((result.exit_code == 0) == results.at("thresholds_ok").as_bool());
}

}  // namespace

TEST_CASE("bench: webhook-sustained at 1 percent of its length stores every alert it sent") {
  Target target;
  const auto [result, results] =
      target.run(scenario_file("webhook-sustained"), {"--duration-scale", "0.01"});
  check_verdict(result, results);
  CHECK(results.at("schema") == "regen-bench/1");
  CHECK(results.at("scenario").at("name") == "webhook-sustained");
  CHECK(results.at("scenario").at("executor") == "ramping-vus");
  CHECK(results.at("target").as_string() == target.url());
  CHECK(results.at("settings").at("vus_max").to_number<int>() == 50);
  CHECK(results.at("planned_duration_s").to_number<double>() == Approx(3.0));
  const int64_t requests = number(results.at("metrics").at("http_reqs").at("count"));
  CHECK(requests > 0);
  CHECK(number(results.at("statuses").at("200")) == requests);
  CHECK(results.at("statuses").as_object().size() == 1);
  CHECK(number(results.at("metrics").at("http_5xx").at("count")) == 0);
  CHECK(number(results.at("metrics").at("checks").at("fails")) == 0);
  CHECK(number(results.at("metrics").at("checks").at("passes")) == 2 * requests);
  CHECK(number(results.at("metrics").at("interrupted").at("count")) == 0);
  CHECK(results.at("thresholds").as_array().size() == 3);
  // Each user rotates through 10 fingerprints of its own: at most 500 distinct alerts.
  const int64_t stored = target.alerts_stored();
  CHECK(stored > 0);
  CHECK(stored <= std::min<int64_t>(requests, 500));
}

TEST_CASE("bench: api-read with a token lists, opens and reads what the webhooks created") {
  Target target;
  for (int i = 0; i < 3; ++i) {
    regen::test::post_generic_alert(target.regend.port(), "Bench alert " + std::to_string(i),
                                    "bench-" + std::to_string(i), "warning",
                                    {{"alertname", "Bench" + std::to_string(i)}});
  }
  const std::string token = target.create_token();
  const auto [result, results] = target.run(
      scenario_file("api-read"), {"--duration-scale", "0.01", "--vus", "5", "--token", token});
  check_verdict(result, results);
  const json::array& requests = results.at("requests").as_array();
  REQUIRE(requests.size() == 4);
  for (const json::value& request : requests) {
    INFO(json::serialize(request));
    CHECK(number(request.at("http_reqs").at("count")) > 0);
    CHECK(number(request.at("statuses").at("200")) == number(request.at("http_reqs").at("count")));
    CHECK(number(request.at("skipped")) == 0);
  }
  CHECK(requests[2].at("name") == "incident_detail");
  CHECK(number(results.at("metrics").at("checks").at("fails")) == 0);
  CHECK(number(results.at("metrics").at("http_req_failed").at("count")) == 0);

  const CtlResult missing = regenctl({"bench", "run", scenario_file("api-read"), "--target",
                                      target.url(), "--duration-scale", "0.01"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.output, Catch::Contains("this scenario sends {{token}}: pass --token"));
}

TEST_CASE("bench: a run on connections with {{seq}} stores exactly one alert per 200") {
  Target target;
  target.files.write("seq.toml", R"(
name = "seq-capacity"
executor = "constant-connections"
connections = 8
duration = "500ms"
[[requests]]
name = "generic"
path = "/api/v1/webhooks/generic"
body = '{"title":"seq {{seq}}","external_id":"seq-{{seq}}","labels":{"alertname":"Seq"}}'
checks = [{ status = 200 }, { json = "created", equals = 1 }]
)");
  const auto [result, results] = target.run(target.files.file("seq.toml"));
  CHECK(result.exit_code == 0);
  const int64_t ok = number(results.at("statuses").at("200"));
  CHECK(ok > 0);
  CHECK(number(results.at("metrics").at("checks").at("fails")) == 0);
  CHECK(number(results.at("metrics").at("connections_opened").at("count")) == 8);
  CHECK(target.alerts_stored() == ok);
}

TEST_CASE("bench: thresholds decide the exit code, 99 when one fails") {
  Target target;
  target.files.write("health.toml", R"(
vus = 2
duration = "300ms"
[[requests]]
name = "health"
path = "/health"
checks = [{ status = 200 }, { json = "status", equals = "ok" }]
[thresholds]
http_req_failed = ["rate<0.01"]
checks = ["rate>0.99"]
"http_reqs{name:health}" = ["count>0"]
http_req_duration = ["p(99)<60s"]
)");
  const auto [passed, passing] = target.run(target.files.file("health.toml"));
  CHECK(passed.exit_code == 0);
  CHECK(passing.at("thresholds_ok") == true);

  target.files.write("failing.toml", R"(
vus = 2
duration = "300ms"
[[requests]]
path = "/health"
[thresholds]
http_reqs = ["count<1"]
"http_req_duration" = ["p(99)<60s"]
)");
  const CtlResult failed =
      regenctl({"bench", "run", target.files.file("failing.toml"), "--target", target.url(), "-q"});
  INFO(failed.output);
  CHECK(failed.exit_code == 99);
  CHECK_THAT(failed.output, Catch::Contains("█ THRESHOLDS"));
  CHECK_THAT(failed.output, Catch::Contains("✗ 'count<1' count="));
  CHECK_THAT(failed.output, Catch::Contains("✓ 'p(99)<60s' p(99)="));

  const CtlResult as_json = regenctl({"bench", "run", target.files.file("failing.toml"), "--target",
                                      target.url(), "-q", "-o", "json"});
  CHECK(as_json.exit_code == 99);
  const json::value parsed = json::parse(as_json.output);
  CHECK(parsed.at("thresholds_ok") == false);
}

TEST_CASE("bench: an unreachable target exits 5, a broken scenario 2 naming file and line") {
  Target target;
  const uint16_t port = target.regend.port();
  regen::test::TempDir dir;
  dir.write("bad.toml", "executor = \"constant-vus\"\nvus = 1\nduration = \"forever\"\n");
  const CtlResult bad = regenctl({"bench", "run", dir.file("bad.toml"), "--target", target.url()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output == "regenctl: " + dir.file("bad.toml") +
                          ":3: duration: expected a duration like \"30s\", \"4m\" or \"250ms\", "
                          "got \"forever\"\n");

  const CtlResult unknown = regenctl({"bench", "run", "no-such-scenario"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.output, Catch::Contains("no scenario named 'no-such-scenario'"));

  const CtlResult flags = regenctl({"bench", "run", scenario_file("webhook-sustained"),
                                    "--connections", "4", "--target", target.url()});
  CHECK(flags.exit_code == 2);
  CHECK_THAT(flags.output, Catch::Contains("use --vus"));

  target.regend.process().signal(SIGKILL);
  REQUIRE(target.regend.process().wait_exit(10s));
  const CtlResult down = regenctl({"bench", "run", scenario_file("health-capacity"), "--target",
                                   "http://127.0.0.1:" + std::to_string(port)});
  CHECK(down.exit_code == 5);
  CHECK_THAT(down.output,
             Catch::Contains("regenctl: target http://127.0.0.1:" + std::to_string(port) +
                             " is not answering: connection refused (GET /health)"));
}

TEST_CASE("bench: report turns results files into the reliability tables") {
  Target target;
  const auto [sustained_run, sustained] =
      target.run(scenario_file("webhook-sustained"), {"--duration-scale", "0.005", "--vus", "5"});
  const auto [capacity_run, capacity] =
      target.run(scenario_file("health-capacity"), {"--duration", "300ms", "--connections", "4"});
  const CtlResult report = regenctl({"bench", "report", target.files.file("results-0.json"),
                                     target.files.file("results-1.json")});
  INFO(report.output);
  CHECK(report.exit_code == 0);
  CHECK_THAT(report.output, Catch::Contains("## Webhook ingestion, sustained (webhook-sustained)"));
  CHECK_THAT(report.output, Catch::Contains("## Capacity"));
  CHECK_THAT(report.output, Catch::Contains("| health-capacity | closed | 4 |"));
  CHECK_THAT(report.output, Catch::Contains("Target `" + target.url() + "`."));

  target.files.write("junk.json", "{\"schema\":\"other\"}");
  const CtlResult junk = regenctl({"bench", "report", target.files.file("junk.json")});
  CHECK(junk.exit_code == 2);
  CHECK_THAT(junk.output, Catch::Contains("not a regenctl bench results file"));
}
