// Webhooks through the real binary on the embedded SQLite default: status codes, counts, what
// the database then holds, rejected requests storing nothing, and no acknowledged alert lost
// when regend is killed with SIGKILL in the middle of a stream.

#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/alert_stream.h"
#include "tests/support/http_client.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::RegendProcess;

namespace {

std::string fixture(const std::string& name) {
  return regen::test::read_file(REGEN_SOURCE_DIR "/tests/data/" + name);
}

int64_t count_rows(const RegendProcess& regend, const std::string& table) {
  SQLite::Database db(regend.dir().file("var/regen.db"), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

json::object post(const RegendProcess& regend, const std::string& source, const std::string& body,
                  int expected_status, const std::map<std::string, std::string>& headers = {}) {
  auto response =
      regen::test::http_request(regend.port(), "POST", "/api/v1/webhooks/" + source, body, headers);
  REQUIRE(response);
  INFO(response->body);
  REQUIRE(response->status == expected_status);
  return json::parse(response->body).as_object();
}

}  // namespace

TEST_CASE("webhooks: each source's fixture is accepted and answered with counts after commit") {
  RegendProcess regend;
  struct Case {
    std::string source, file;
    int64_t received;
  };
  for (const Case& c :
       {Case{"prometheus", "prometheus/multi_alert.json", 3},
        Case{"grafana", "grafana/firing.json", -1}, Case{"cloudwatch", "cloudwatch/alarm.json", 1},
        Case{"generic", "generic/list.json", -1}}) {
    INFO(c.file);
    json::object body = post(regend, c.source, fixture(c.file), 200);
    CHECK(body.at("source").as_string() == c.source);
    if (c.received >= 0) CHECK(body.at("received").as_int64() == c.received);
    CHECK(body.at("created").as_int64() == body.at("received").as_int64());
    CHECK(body.at("incidents_created").as_int64() >= 1);
  }
  CHECK(count_rows(regend, "alerts") >= 5);
  CHECK(count_rows(regend, "outbox") > 0);
}

TEST_CASE("webhooks: a replayed payload is answered 200 and changes nothing") {
  RegendProcess regend;
  post(regend, "prometheus", fixture("prometheus/multi_alert.json"), 200);
  int64_t outbox = count_rows(regend, "outbox");
  json::object replay = post(regend, "prometheus", fixture("prometheus/multi_alert.json"), 200);
  CHECK(replay.at("created").as_int64() == 0);
  CHECK(replay.at("updated").as_int64() == 0);
  CHECK(count_rows(regend, "outbox") == outbox);
}

TEST_CASE("webhooks: an SNS delivery replayed with the same MessageId is not applied twice") {
  RegendProcess regend;
  post(regend, "cloudwatch", fixture("cloudwatch/alarm.json"), 200);
  json::object replay = post(regend, "cloudwatch", fixture("cloudwatch/alarm.json"), 200);
  CHECK(replay.at("duplicate_delivery").as_bool());
  CHECK(count_rows(regend, "alerts") == 1);
}

TEST_CASE("webhooks: an SNS subscription confirmation is answered 200 and logged") {
  RegendProcess regend;
  json::object body =
      post(regend, "cloudwatch", fixture("cloudwatch/subscription_confirmation.json"), 200,
           {{"Content-Type", "text/plain; charset=UTF-8"}});
  CHECK(body.at("received").as_int64() == 0);
  CHECK(regend.log_contains("SNS subscription confirmation"));
  CHECK(count_rows(regend, "alerts") == 0);
}

TEST_CASE("webhooks: an invalid request is 400 naming the field and stores nothing") {
  RegendProcess regend;
  json::object error = post(
      regend, "generic", R"({"alerts":[{"title":"ok"},{"title":"bad","severity":"loud"}]})", 400);
  CHECK(error.at("error").at("details").at("field").as_string() == "alerts[1].severity");
  post(regend, "prometheus", "{not json", 400);
  CHECK(count_rows(regend, "alerts") == 0);
  CHECK(count_rows(regend, "incidents") == 0);
  CHECK(count_rows(regend, "outbox") == 0);
}

TEST_CASE("webhooks: a title over the limit is 400 with the field and the limit") {
  RegendProcess regend({.config_toml = "[webhooks]\nmax_title_length = 10\n"});
  json::object error = post(regend, "generic", R"({"title":"this title is too long"})", 400);
  CHECK(error.at("error").at("details").at("field").as_string() == "title");
  CHECK(error.at("error").at("details").at("limit").as_int64() == 10);
  CHECK(count_rows(regend, "alerts") == 0);
}

TEST_CASE("webhooks: a body over the limit is 413 and stores nothing") {
  RegendProcess regend({.config_toml = "[server]\nmax_body_bytes = 4096\n"});
  std::string big = R"({"title":"x","description":")" + std::string(5000, 'd') + R"("})";
  auto response = regen::test::http_request(regend.port(), "POST", "/api/v1/webhooks/generic", big);
  REQUIRE(response);
  CHECK(response->status == 413);
  CHECK(count_rows(regend, "alerts") == 0);
}

TEST_CASE("webhooks: an unknown source is 404, the generic schema is published") {
  RegendProcess regend;
  post(regend, "nagios", "{}", 404);
  auto schema = regen::test::http_request(regend.port(), "GET", "/api/v1/webhooks/generic/schema");
  REQUIRE(schema);
  CHECK(schema->status == 200);
  json::object document = json::parse(schema->body).as_object();
  CHECK(document.contains("$schema"));
}

TEST_CASE(
    "webhooks: with a Grafana secret configured, a wrong signature is 401 and stores nothing") {
  RegendProcess regend({.config_toml = "[webhooks]\ngrafana_hmac_secret = \"s3cret\"\n"});
  post(regend, "grafana", fixture("grafana/firing.json"), 401,
       {{"X-Grafana-Alerting-Signature", std::string(64, '0')}});
  post(regend, "grafana", fixture("grafana/firing.json"), 401);
  CHECK(count_rows(regend, "alerts") == 0);
}

TEST_CASE("webhooks: status reports the store as up with its location") {
  RegendProcess regend;
  json::object storage = regend.status().at("storage").as_object();
  CHECK(storage.at("backend").as_string() == "sqlite");
  CHECK(storage.at("state").as_string() == "up");
  CHECK(std::string(storage.at("location").as_string()).ends_with("regen.db"));
}

TEST_CASE("webhooks: no acknowledged alert is lost when regend is killed mid-stream") {
  RegendProcess regend;
  regen::test::AlertStream stream(regend.port(), 4);
  REQUIRE(regen::test::wait_until([&] { return stream.sent() >= 200; }, 30s));
  regend.process().signal(SIGKILL);
  REQUIRE(regend.process().wait_exit(5s) == 128 + SIGKILL);
  std::set<std::string> acknowledged = stream.finish();

  SQLite::Database db(regend.dir().file("var/regen.db"), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT external_id FROM alerts WHERE source = 'generic'");
  std::set<std::string> stored;
  while (query.executeStep()) stored.insert(query.getColumn(0).getString());
  INFO("acknowledged " << acknowledged.size() << ", stored " << stored.size());
  CHECK(acknowledged.size() >= 200);
  CHECK(regen::test::missing(acknowledged, stored) == 0);
}

TEST_CASE("webhooks: concurrent duplicates from many connections store one row and no 5xx") {
  RegendProcess regend;
  std::atomic<int> ok{0};
  std::atomic<int> other{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&] {
      regen::test::HttpConnection connection(regend.port());
      for (int i = 0; i < 20; ++i) {
        auto response = connection.request("POST", "/api/v1/webhooks/generic",
                                           R"({"title":"dup","external_id":"same-one"})");
        (response && response->status == 200 ? ok : other)++;
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  CHECK(ok == 160);
  CHECK(other == 0);
  CHECK(count_rows(regend, "alerts") == 1);
  CHECK(count_rows(regend, "incidents") == 1);
}

TEST_CASE("webhooks: --migrate-only brings the schema up to date and exits 0") {
  regen::test::TempDir dir;
  auto result =
      regen::test::run_command({REGEND_BINARY, "--migrate-only", "--data-dir", dir.file("var")});
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("schema is up to date") != std::string::npos);
  SQLite::Database db(dir.file("var/regen.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM schema_migrations").getInt64() >= 1);
  CHECK_FALSE(std::filesystem::exists(dir.file("var/regend.sock")));  // never served
}

TEST_CASE(
    "webhooks: with SNS confirmation on, a SubscribeURL outside the allowed hosts is not fetched") {
  // The pattern admits only loopback, so nothing here can leave the machine.
  RegendProcess regend({.config_toml = "[webhooks]\nsns_confirm_subscriptions = true\n"
                                       "sns_confirm_host_pattern = '^127\\.0\\.0\\.1$'\n"});
  std::string body =
      R"({"Type":"SubscriptionConfirmation","MessageId":"m-1",)"
      R"("TopicArn":"arn:aws:sns:us-east-1:123456789012:regen",)"
      R"("SubscribeURL":"https://evil.example.com/confirm?x=1","Message":"confirm"})";
  json::object answer = post(regend, "cloudwatch", body, 200);
  CHECK(answer.at("received").as_int64() == 0);
  CHECK(regend.log_contains("evil.example.com"));
  CHECK(regend.log().find("confirmed") == std::string::npos);
}
