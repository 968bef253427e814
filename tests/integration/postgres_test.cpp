// regend on a real PostgreSQL server that the test starts itself: webhooks stored, 503 with
// Retry-After while the database is down (and /health still 200), recovery after it returns,
// several instances migrating one database together, no acknowledged alert lost on SIGKILL.

#include <libpq-fe.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/integration/alert_stream.h"
#include "tests/support/http_client.h"
#include "tests/support/postgres_server.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::PostgresServer;
using regen::test::RegendProcess;

namespace {

// One server for the whole binary; each test uses its own database.
PostgresServer& server() {
  static PostgresServer instance;
  return instance;
}

std::string fresh_database() { return server().create_database(); }

std::vector<std::string> column(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  std::vector<std::string> values;
  if (PQresultStatus(result) == PGRES_TUPLES_OK) {
    for (int row = 0; row < PQntuples(result); ++row)
      values.emplace_back(PQgetvalue(result, row, 0));
  }
  PQclear(result);
  PQfinish(conn);
  return values;
}

int post_generic(const RegendProcess& regend, const std::string& id,
                 std::string* retry_after = nullptr) {
  auto response = regen::test::http_request(regend.port(), "POST", "/api/v1/webhooks/generic",
                                            R"({"title":"pg","external_id":")" + id + R"("})");
  if (!response) return 0;
  if (retry_after != nullptr) *retry_after = response->header("Retry-After");
  return response->status;
}

}  // namespace

TEST_CASE("postgres: regend stores webhooks in PostgreSQL and reports the store in status") {
  std::string url = fresh_database();
  RegendProcess regend({.extra_args = {"--database-url", url}});
  CHECK(post_generic(regend, "pg-1") == 200);
  CHECK(post_generic(regend, "pg-1") == 200);
  CHECK(column(url, "SELECT external_id FROM alerts") == std::vector<std::string>{"pg-1"});
  CHECK(column(url, "SELECT COUNT(*) FROM incidents") == std::vector<std::string>{"1"});
  json::object storage = regend.status().at("storage").as_object();
  CHECK(storage.at("backend").as_string() == "postgres");
  CHECK(storage.at("state").as_string() == "up");
  CHECK(storage.at("writers").as_int64() == 2);  // storage.postgres_writers' default
}

TEST_CASE("postgres: storage.postgres_writers starts that many writers, one thread each") {
  std::string url = fresh_database();
  RegendProcess regend(
      {.extra_args = {"--database-url", url}, .env = {{"REGEN_STORAGE_POSTGRES_WRITERS", "3"}}});
  CHECK(regend.status().at("storage").at("writers").as_int64() == 3);
  std::multiset<std::string> names;
  const std::string tasks = "/proc/" + std::to_string(regend.process().pid()) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.starts_with("regend-writer")) names.insert(name);
  }
  CHECK(names == std::multiset<std::string>{"regend-writer0", "regend-writer1", "regend-writer2"});
  for (int i = 0; i < 20; ++i) CHECK(post_generic(regend, "w-" + std::to_string(i)) == 200);
  CHECK(column(url, "SELECT COUNT(*) FROM alerts") == std::vector<std::string>{"20"});
}

TEST_CASE("postgres: while the database is down webhooks get 503 + Retry-After, health stays 200") {
  std::string url = fresh_database();
  RegendProcess regend({.extra_args = {"--database-url", url}});
  REQUIRE(post_generic(regend, "before") == 200);

  server().stop();
  std::string retry_after;
  CHECK(post_generic(regend, "during", &retry_after) == 503);
  CHECK_FALSE(retry_after.empty());
  auto health = regen::test::http_request(regend.port(), "GET", "/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(regen::test::wait_until(
      [&] { return regend.status().at("storage").at("state").as_string() == "down"; }));

  server().start();
  CHECK(regen::test::wait_until([&] { return post_generic(regend, "after") == 200; }, 30s));
  CHECK(column(url, "SELECT external_id FROM alerts ORDER BY id") ==
        std::vector<std::string>{"before", "after"});
}

TEST_CASE("postgres: /ready answers 503 naming the store while it is down, health stays 200") {
  std::string url = fresh_database();
  RegendProcess regend({.extra_args = {"--database-url", url}});
  auto ready = [&](std::string* body = nullptr) {
    auto response = regen::test::http_request(regend.port(), "GET", "/ready");
    if (response && body != nullptr) *body = response->body;
    return response ? response->status : 0;
  };
  REQUIRE(ready() == 200);

  server().stop();
  CHECK(regen::test::wait_until([&] { return ready() == 503; }));
  std::string body;
  CHECK(ready(&body) == 503);
  json::object down = json::parse(body).as_object();
  CHECK(down.at("failing").as_array().at(0).as_string() == "store");
  CHECK(down.at("checks").at("store").at("status").as_string() == "fail");
  CHECK(down.at("checks").at("store").at("backend").as_string() == "postgres");
  CHECK(down.at("checks").at("draining").as_bool() == false);
  auto health = regen::test::http_request(regend.port(), "GET", "/health");
  REQUIRE(health);
  CHECK(health->status == 200);

  server().start();
  CHECK(regen::test::wait_until([&] { return ready() == 200; }, 30s));
}

TEST_CASE("postgres: several instances starting together on one database migrate safely") {
  std::string url = fresh_database();
  std::vector<std::unique_ptr<RegendProcess>> instances;
  for (int i = 0; i < 3; ++i) {
    instances.push_back(std::make_unique<RegendProcess>(
        regen::test::RegendOptions{.extra_args = {"--database-url", url}, .wait_ready = false}));
  }
  for (auto& instance : instances) {
    REQUIRE(regen::test::wait_until(
        [&] { return instance->log().find("serving HTTP") != std::string::npos; }, 30s));
  }
  // Every instance is serving, and the seed ran once: migrations were applied exactly once.
  CHECK(column(url, "SELECT COUNT(*) FROM grouping_rules") == std::vector<std::string>{"1"});
  CHECK(column(url, "SELECT COUNT(*) FROM rules_version") == std::vector<std::string>{"1"});
}

TEST_CASE("postgres: no acknowledged alert is lost when regend is killed mid-stream") {
  std::string url = fresh_database();
  RegendProcess regend({.extra_args = {"--database-url", url}});
  regen::test::AlertStream stream(regend.port(), 4);
  REQUIRE(regen::test::wait_until([&] { return stream.sent() >= 200; }, 60s));
  regend.process().signal(SIGKILL);
  REQUIRE(regend.process().wait_exit(5s) == 128 + SIGKILL);
  std::set<std::string> acknowledged = stream.finish();
  std::vector<std::string> rows = column(url, "SELECT external_id FROM alerts");
  std::set<std::string> stored(rows.begin(), rows.end());
  INFO("acknowledged " << acknowledged.size() << ", stored " << stored.size());
  CHECK(acknowledged.size() >= 200);
  CHECK(regen::test::missing(acknowledged, stored) == 0);
}
