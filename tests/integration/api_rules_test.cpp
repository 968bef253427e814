// The routing and grouping rules API through the real binary on both storage backends: CRUD,
// validation naming the field, the effect of a change on the very next alert, and (PostgreSQL)
// a change made through one instance applying at another that shares the database.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/integration/api_fixture.h"

namespace json = boost::json;
using regen::test::ApiFixture;
using regen::test::ApiResponse;
using regen::test::integer;
using regen::test::text;

namespace {

constexpr const char kSuppressQuiet[] =
    R"({"name":"quiet team","priority":10,)"
    R"("match":{"labels":[{"key":"team","op":"equals","value":"quiet"}]},)"
    R"("actions":{"suppress":true}})";

struct Bad {
  std::string body;
  std::string field;
};

// Every bad body is 400 naming its field, and neither the rules nor their version change.
void check_rejected(const ApiFixture& api, const std::string& path, const std::string& table,
                    const std::vector<Bad>& cases) {
  const int64_t rules = api.count("SELECT COUNT(*) FROM " + table);
  const int64_t version = api.count("SELECT version FROM rules_version");
  for (const Bad& bad : cases) {
    INFO("POST " << path << " " << bad.body);
    ApiResponse response = api.call("POST", path, bad.body, api.admin);
    CHECK(response.status == 400);
    CHECK(response.error_code() == "invalid_argument");
    CHECK(response.error_field() == bad.field);
  }
  CHECK(api.count("SELECT COUNT(*) FROM " + table) == rules);
  CHECK(api.count("SELECT version FROM rules_version") == version);
}

// DELETE is 204 once, then the rule is gone for GET, PUT and DELETE alike.
void check_deleted(const ApiFixture& api, const std::string& location, const std::string& body) {
  ApiResponse removed = api.call("DELETE", location, "", api.admin);
  CHECK(removed.status == 204);
  CHECK(removed.text.empty());
  CHECK(api.get(location, api.viewer).status == 404);
  CHECK(api.call("DELETE", location, "", api.admin).status == 404);
  CHECK(api.call("PUT", location, body, api.admin).status == 404);
}

int64_t incidents(const ApiFixture& api) { return api.count("SELECT COUNT(*) FROM incidents"); }

int64_t incident_of(const ApiFixture& api, const std::string& external_id) {
  return api.count("SELECT COALESCE(incident_id, 0) FROM alerts WHERE external_id = '" +
                   external_id + "'");
}

}  // namespace

TEST_CASE("api rules: routing rules are created, listed, replaced and deleted") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  ApiResponse created = api.call("POST", "/api/v1/routing-rules", kSuppressQuiet, api.admin);
  REQUIRE(created.status == 201);
  const json::object& rule = created.json();
  const std::string location = "/api/v1/routing-rules/" + std::to_string(integer(rule.at("id")));
  CHECK(created.header("Location") == location);
  CHECK(text(rule.at("name")) == "quiet team");
  CHECK(integer(rule.at("priority")) == 10);
  CHECK(rule.at("enabled").as_bool());
  CHECK(rule.at("match") ==
        json::parse(R"({"labels":[{"key":"team","op":"equals","value":"quiet"}]})"));
  CHECK(rule.at("actions") == json::parse(R"({"suppress":true})"));
  CHECK(rule.at("created_at").is_string());

  ApiResponse list = api.get("/api/v1/routing-rules", api.viewer);
  REQUIRE(list.status == 200);
  CHECK(list.data() == json::array{rule});
  CHECK(integer(list.json().at("total")) == 1);
  ApiResponse shown = api.get(location, api.viewer);
  REQUIRE(shown.status == 200);
  CHECK(shown.json() == rule);

  // PUT replaces the whole rule: what it leaves out returns to its default.
  const std::string replacement =
      R"({"name":"renamed","enabled":false,"match":{"severity":"info"},)"
      R"("actions":{"severity":"critical"}})";
  ApiResponse replaced = api.call("PUT", location, replacement, api.admin);
  REQUIRE(replaced.status == 200);
  CHECK(text(replaced.json().at("name")) == "renamed");
  CHECK(integer(replaced.json().at("priority")) == 100);
  CHECK_FALSE(replaced.json().at("enabled").as_bool());
  CHECK(replaced.json().at("match") == json::parse(R"({"severity":"info"})"));
  CHECK(replaced.json().at("actions") == json::parse(R"({"severity":"critical"})"));
  CHECK(replaced.json().at("created_at") == rule.at("created_at"));
  CHECK(api.get(location, api.viewer).json() == replaced.json());
  CHECK(api.count("SELECT COUNT(*) FROM routing_rules") == 1);

  check_rejected(
      api, "/api/v1/routing-rules", "routing_rules",
      {Bad{R"({"name":"x","match":{"labels":[{"key":"team","op":"like","value":"a"}]}})",
           "match.labels[0].op"},
       Bad{R"({"name":"x","match":{"labels":[{"key":"team","op":"regex","value":"("}]}})",
           "match.labels[0].value"},
       Bad{R"({"name":"x","match":{"labels":[{"op":"exists"}]}})", "match.labels[0].key"},
       Bad{R"({"name":"x","match":{"colour":"red"}})", "match.colour"},
       Bad{R"({"name":"x","match":[]})", "match"},
       Bad{R"({"name":"x","actions":{"severity":"loud"}})", "actions.severity"},
       Bad{R"({"name":"x","actions":{"suppress":"yes"}})", "actions.suppress"},
       Bad{R"({"name":"x","actions":{"page":true}})", "actions.page"},
       Bad{R"({"match":{}})", "name"}, Bad{R"({"name":""})", "name"},
       Bad{R"({"name":"x","priority":-1})", "priority"},
       Bad{R"({"name":"x","enabled":"yes"})", "enabled"},
       Bad{R"({"name":"x","group_by":["a"]})", "group_by"}, Bad{"{oops", ""}});
  ApiResponse bad_put =
      api.call("PUT", location, R"({"name":"x","actions":{"severity":1}})", api.admin);
  CHECK(bad_put.status == 400);
  CHECK(bad_put.error_field() == "actions.severity");
  CHECK(api.get(location, api.viewer).json() == replaced.json());
  for (const std::string id : {"abc", "0", "-2"}) {
    CHECK(api.get("/api/v1/routing-rules/" + id, api.viewer).error_field() == "id");
  }
  CHECK(api.get("/api/v1/routing-rules/999999", api.viewer).status == 404);

  check_deleted(api, location, replacement);
  CHECK(api.get("/api/v1/routing-rules", api.viewer).data().empty());
}

TEST_CASE("api rules: grouping rules are created, listed, replaced and deleted") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  ApiResponse seeded = api.get("/api/v1/grouping-rules", api.viewer);
  REQUIRE(seeded.status == 200);
  REQUIRE(seeded.data().size() == 1);  // the default: group by alertname

  const std::string body = R"({"name":"by service","group_by":["service"],"window_s":600})";
  ApiResponse created = api.call("POST", "/api/v1/grouping-rules", body, api.admin);
  REQUIRE(created.status == 201);
  const json::object& rule = created.json();
  const std::string location = "/api/v1/grouping-rules/" + std::to_string(integer(rule.at("id")));
  CHECK(created.header("Location") == location);
  CHECK(rule.at("group_by") == json::parse(R"(["service"])"));
  CHECK(integer(rule.at("window_s")) == 600);
  CHECK(integer(rule.at("priority")) == 100);
  CHECK(rule.at("match") == json::parse("{}"));

  ApiResponse list = api.get("/api/v1/grouping-rules", api.viewer);
  REQUIRE(list.status == 200);
  CHECK(list.data().size() == 2);
  CHECK(list.data().at(0) == rule);  // by priority: 100 before the default's 1000
  CHECK(api.get(location, api.viewer).json() == rule);

  const std::string replacement =
      R"({"name":"by service and env","priority":5,"group_by":["service","env"],)"
      R"("match":{"labels":[{"key":"env","op":"exists"}]}})";
  ApiResponse replaced = api.call("PUT", location, replacement, api.admin);
  REQUIRE(replaced.status == 200);
  CHECK(replaced.json().at("group_by") == json::parse(R"(["service","env"])"));
  CHECK(integer(replaced.json().at("window_s")) == 300);  // left out: the default again
  CHECK(integer(replaced.json().at("priority")) == 5);
  CHECK(api.get(location, api.viewer).json() == replaced.json());

  check_rejected(
      api, "/api/v1/grouping-rules", "grouping_rules",
      {Bad{R"({"name":"x"})", "group_by"}, Bad{R"({"name":"x","group_by":"service"})", "group_by"},
       Bad{R"({"name":"x","group_by":[""]})", "group_by[0]"},
       Bad{R"({"name":"x","group_by":[7]})", "group_by[0]"},
       Bad{R"({"name":"x","group_by":["a"],"window_s":0})", "window_s"},
       Bad{R"({"name":"x","group_by":["a"],"window_s":"600"})", "window_s"},
       Bad{R"({"name":"x","group_by":["a"],"window_s":2592001})", "window_s"},
       Bad{R"({"name":"x","group_by":["a"],"match":{"labels":[{"key":"k","op":"x"}]}})",
           "match.labels[0].op"},
       Bad{R"({"name":"x","group_by":["a"],"actions":{}})", "actions"},
       Bad{R"({"group_by":["a"]})", "name"}});

  check_deleted(api, location, replacement);
  CHECK(api.get("/api/v1/grouping-rules", api.viewer).data().size() == 1);
}

TEST_CASE("api rules: a suppress rule applies to the next alert, and stops once deleted") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  ApiResponse created = api.call("POST", "/api/v1/routing-rules", kSuppressQuiet, api.admin);
  REQUIRE(created.status == 201);

  json::object quiet = api.post_alert("quiet", "quiet-1", "warning", {{"team", "quiet"}});
  CHECK(integer(quiet.at("incidents_created")) == 0);
  CHECK(incidents(api) == 0);
  const int64_t alert = api.count("SELECT id FROM alerts WHERE external_id = 'quiet-1'");
  ApiResponse stored = api.get("/api/v1/alerts/" + std::to_string(alert), api.viewer);
  REQUIRE(stored.status == 200);
  CHECK(stored.json().at("suppressed").as_bool());
  CHECK(stored.json().at("incident_id").is_null());
  json::object loud = api.post_alert("loud", "loud-1", "warning", {{"team", "loud"}});
  CHECK(integer(loud.at("incidents_created")) == 1);

  // A PUT takes effect as promptly: disabled, the rule lets the next alert through...
  const std::string location = created.header("Location");
  std::string disabled = kSuppressQuiet;
  disabled.insert(1, R"("enabled":false,)");
  REQUIRE(api.call("PUT", location, disabled, api.admin).status == 200);
  json::object through = api.post_alert("quiet", "quiet-2", "warning", {{"team", "quiet"}});
  CHECK(integer(through.at("incidents_created")) == 1);
  // ...and enabled again it suppresses the one after.
  REQUIRE(api.call("PUT", location, kSuppressQuiet, api.admin).status == 200);
  json::object again = api.post_alert("quiet", "quiet-3", "warning", {{"team", "quiet"}});
  CHECK(integer(again.at("incidents_created")) == 0);
  CHECK(incidents(api) == 2);

  ApiResponse removed = api.call("DELETE", location, "", api.admin);
  REQUIRE(removed.status == 204);
  json::object after = api.post_alert("quiet", "quiet-4", "warning", {{"team", "quiet"}});
  CHECK(integer(after.at("incidents_created")) == 1);
  CHECK(incident_of(api, "quiet-4") > 0);
  CHECK(incidents(api) == 3);
}

TEST_CASE("api rules: a grouping rule puts alerts with the same label into one incident") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  ApiResponse created =
      api.call("POST", "/api/v1/grouping-rules",
               R"({"name":"by service","group_by":["service"],"window_s":600})", api.admin);
  REQUIRE(created.status == 201);

  api.post_alert("checkout slow", "svc-1", "warning", {{"service", "checkout"}});
  api.post_alert("checkout errors", "svc-2", "critical", {{"service", "checkout"}});
  api.post_alert("search slow", "svc-3", "warning", {{"service", "search"}});
  CHECK(incident_of(api, "svc-1") > 0);
  CHECK(incident_of(api, "svc-1") == incident_of(api, "svc-2"));
  CHECK(incident_of(api, "svc-3") != incident_of(api, "svc-1"));
  CHECK(incidents(api) == 2);
  ApiResponse detail =
      api.get("/api/v1/incidents/id:" + std::to_string(incident_of(api, "svc-1")), api.viewer);
  REQUIRE(detail.status == 200);
  CHECK(integer(detail.json().at("alerts").at("total")) == 2);

  REQUIRE(api.call("DELETE", created.header("Location"), "", api.admin).status == 204);
  api.post_alert("checkout again", "svc-4", "warning", {{"service", "checkout"}});
  CHECK(incident_of(api, "svc-4") != incident_of(api, "svc-1"));
  CHECK(incidents(api) == 3);
}

TEST_CASE("api rules: a rule changed through one instance applies at another on the same store") {
  const std::string backend = GENERATE("sqlite", "postgres");
  if (backend == "sqlite") return;  // instances share a store only on PostgreSQL
  ApiFixture api(backend);
  std::unique_ptr<regen::test::RegendProcess> other = api.another_instance();
  const uint16_t b = other->port();

  ApiResponse created = api.call("POST", "/api/v1/routing-rules", kSuppressQuiet, api.admin);
  REQUIRE(created.status == 201);
  // Tokens live in the store too: B knows A's tokens and sees A's rule.
  ApiResponse seen =
      regen::test::api_request(b, "GET", "/api/v1/routing-rules", "", "Bearer " + api.viewer);
  REQUIRE(seen.status == 200);
  CHECK(seen.data().size() == 1);

  json::object suppressed =
      regen::test::post_generic_alert(b, "quiet", "multi-1", "warning", {{"team", "quiet"}});
  CHECK(integer(suppressed.at("incidents_created")) == 0);
  CHECK(incidents(api) == 0);

  REQUIRE(api.call("DELETE", created.header("Location"), "", api.admin).status == 204);
  json::object opened =
      regen::test::post_generic_alert(b, "quiet", "multi-2", "warning", {{"team", "quiet"}});
  CHECK(integer(opened.at("incidents_created")) == 1);
  CHECK(incidents(api) == 1);
}
