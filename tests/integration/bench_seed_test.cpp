// `regenctl bench seed` against a real regend on each backend: the data set it loads is what
// the API lists and shows, a store holding incidents is refused without --force, and ingestion
// carries on after it (ids and incident numbers continue).

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <regex>

#include "tests/integration/api_fixture.h"
#include "tests/support/process.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::ApiFixture;
using regen::test::integer;

namespace {

struct CtlResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

CtlResult regenctl(ApiFixture& fixture, std::vector<std::string> args) {
  regen::test::TempDir dir;
  args.insert(args.begin(), {REGENCTL_BINARY, "--socket", fixture.regend().socket_path()});
  CtlResult result;
  {
    regen::test::Subprocess process(args, dir.file("output"), {{"HOME", dir.file("home")}},
                                    {"REGEN_ADMIN_SOCKET", "NO_COLOR"});
    result.exit_code = process.wait_exit(120s).value_or(-1);
  }
  result.output = regen::test::read_file(dir.file("output"));
  return result;
}

int64_t total(const ApiFixture& fixture, const std::string& target, bool exact = true) {
  regen::test::ApiResponse response = fixture.get(target, fixture.viewer);
  INFO(response.text);
  REQUIRE(response.status == 200);
  CHECK(response.json().at("total_exact").as_bool() == exact);
  return integer(response.json().at("total"));
}

}  // namespace

TEST_CASE("bench seed: regenctl loads a data set that the API lists and shows") {
  for (const std::string backend : {"sqlite", "postgres"}) {
    DYNAMIC_SECTION(backend) {
      ApiFixture fixture(backend);
      const CtlResult table =
          regenctl(fixture, {"bench", "seed", "--incidents", "500", "--alerts", "5000"});
      INFO(table.output);
      REQUIRE(table.exit_code == 0);
      std::smatch match;
      REQUIRE(std::regex_search(
          table.output, match,
          std::regex(
              R"(^seeded 500 incidents, 5000 alerts, (\d+) timeline entries in \d+\.\ds\n$)")));
      CHECK(fixture.count("SELECT COUNT(*) FROM timeline") == std::stoll(match[1].str()));

      CHECK(total(fixture, "/api/v1/incidents?limit=1") == 500);
      // Alert lists count up to 1000 matches, then say the total is a lower bound.
      CHECK(total(fixture, "/api/v1/alerts?limit=1", false) == 1000);
      CHECK(fixture.count("SELECT COUNT(*) FROM alerts") == 5000);
      CHECK(fixture.count("SELECT COUNT(*) FROM alerts WHERE incident_id IS NULL") == 0);
      CHECK(fixture.count("SELECT COUNT(DISTINCT alert_id) FROM incident_alerts") == 5000);
      CHECK(fixture.count("SELECT COUNT(*) FROM outbox") == 0);
      CHECK(total(fixture, "/api/v1/incidents?status=resolved&limit=1") > 0);
      CHECK(total(fixture, "/api/v1/incidents?status=triggered,acknowledged&limit=1") > 0);

      // The newest incident with alerts, in full.
      const int64_t number = fixture.count(
          "SELECT MAX(i.incident_number) FROM incidents i WHERE EXISTS "
          "(SELECT 1 FROM incident_alerts l WHERE l.incident_id = i.id)");
      regen::test::ApiResponse detail =
          fixture.get("/api/v1/incidents/" + std::to_string(number), fixture.viewer);
      INFO(detail.text);
      REQUIRE(detail.status == 200);
      const json::object& body = detail.json();
      CHECK(integer(body.at("alerts").at("total")) > 0);
      CHECK(body.at("timeline").at("data").as_array().at(0).at("kind").as_string() ==
            "incident_created");
      CHECK(body.at("group_key").is_string());

      // A second run would mix data sets: refused, and nothing is written.
      const CtlResult refused = regenctl(fixture, {"bench", "seed", "--incidents", "10"});
      INFO(refused.output);
      CHECK(refused.exit_code == 1);
      CHECK(refused.output.find("conflict") != std::string::npos);
      CHECK(refused.output.find("--force") != std::string::npos);
      CHECK(total(fixture, "/api/v1/incidents?limit=1") == 500);

      // --force adds to it, with external ids of its own.
      const CtlResult forced = regenctl(fixture, {"-o", "json", "bench", "seed", "--incidents",
                                                  "100", "--alerts", "1000", "--force"});
      INFO(forced.output);
      REQUIRE(forced.exit_code == 0);
      const json::value reply = json::parse(forced.output);
      CHECK(integer(reply.at("incidents")) == 100);
      CHECK(integer(reply.at("alerts")) == 1000);
      CHECK(reply.at("backend").as_string() == backend);
      CHECK(total(fixture, "/api/v1/incidents?limit=1") == 600);
      CHECK(fixture.count("SELECT COUNT(*) FROM alerts") == 6000);

      // Ingestion carries on: the next incident takes the next number.
      json::object posted = fixture.post_alert("After the seed", "after-seed-1", "critical");
      CHECK(integer(posted.at("incidents_created")) == 1);
      CHECK(fixture.count("SELECT MAX(incident_number) FROM incidents") == 601);
      CHECK(fixture.count("SELECT COUNT(*) FROM incidents WHERE title = 'After the seed'") == 1);
    }
  }
}

TEST_CASE("bench seed: a store holding a real incident is refused without --force") {
  ApiFixture fixture("sqlite");
  fixture.post_alert("Disk full on db-1", "disk-db-1");
  const CtlResult refused = regenctl(fixture, {"bench", "seed", "--incidents", "10"});
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("already holds incidents") != std::string::npos);
  CHECK(fixture.count("SELECT COUNT(*) FROM incidents") == 1);
  CHECK(fixture.count("SELECT COUNT(*) FROM alerts") == 1);
}

TEST_CASE("bench seed: bad arguments are invalid_args and start nothing") {
  ApiFixture fixture("sqlite");
  for (const json::object& args : {json::object{{"incidents", 0}}, json::object{{"alerts", -1}},
                                   json::object{{"force", "yes"}}, json::object{{"rows", 5}}}) {
    json::object reply = fixture.regend().admin("bench.seed", args);
    INFO(json::serialize(reply));
    CHECK_FALSE(reply.at("ok").as_bool());
    CHECK(reply.at("error").at("code").as_string() == "invalid_args");
  }
  CHECK(fixture.count("SELECT COUNT(*) FROM incidents") == 0);
}
