// The incident API's access control, alerts and tokens, through the real binary on both storage
// backends: every route's answer per credential, what a refused write leaves in the store, the
// alert list and acknowledgement, and the token lifecycle over the admin socket.

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/api_fixture.h"
#include "tests/support/process.h"

namespace json = boost::json;
using regen::test::api_request;
using regen::test::ApiFixture;
using regen::test::ApiResponse;
using regen::test::integer;
using regen::test::text;

namespace {

constexpr const char kRoutingRule[] =
    R"({"name":"route team db","match":{"labels":[{"key":"team","op":"equals","value":"db"}]},)"
    R"("actions":{"severity":"critical"}})";
constexpr const char kGroupingRule[] =
    R"({"name":"group by service","group_by":["service"],"window_s":600})";

// What any API write could change, read straight from the store. api_tokens is left out: every
// authenticated call, refused or not, may record the token's last use.
std::string snapshot(const ApiFixture& api) {
  std::string state;
  for (const char* sql :
       {"SELECT COUNT(*) FROM incidents", "SELECT COUNT(*) FROM timeline",
        "SELECT COUNT(*) FROM outbox", "SELECT COUNT(*) FROM routing_rules",
        "SELECT COUNT(*) FROM grouping_rules", "SELECT version FROM rules_version",
        "SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL",
        "SELECT COALESCE(SUM(updated_at), 0) FROM incidents",
        "SELECT COALESCE(SUM(updated_at), 0) FROM routing_rules",
        "SELECT COALESCE(SUM(updated_at), 0) FROM grouping_rules"}) {
    state += std::to_string(api.count(sql)) + ",";
  }
  for (const std::string& row : api.column(
           "SELECT status || '/' || severity || '/' || summary FROM incidents ORDER BY id")) {
    state += row + ";";
  }
  return state;
}

struct Route {
  std::string method;
  std::string target;
  std::string body;
  int required;  // index into kRoles
  int success;   // the status once the role suffices
};

const std::vector<std::string> kRoles = {"viewer", "responder", "admin"};

const std::string& token_for(const ApiFixture& api, int role) {
  return role == 0 ? api.viewer : role == 1 ? api.responder : api.admin;
}

// The alerts as GET /api/v1/alerts?limit=250 lists them, newest first.
std::vector<json::object> all_alerts(const ApiFixture& api) {
  ApiResponse response = api.get("/api/v1/alerts?limit=250", api.viewer);
  REQUIRE(response.status == 200);
  std::vector<json::object> alerts;
  for (const json::value& alert : response.data()) alerts.push_back(alert.as_object());
  return alerts;
}

std::vector<int64_t> ids_of(const json::array& rows) {
  std::vector<int64_t> ids;
  for (const json::value& row : rows) ids.push_back(integer(row.at("id")));
  return ids;
}

}  // namespace

TEST_CASE("api: every route needs a valid token and its role, and a refused write stores nothing") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  const std::string n =
      std::to_string(integer(api.create_incident("matrix").at("incident_number")));
  api.post_alert("matrix alert", "matrix-1");
  const std::string alert =
      std::to_string(api.count("SELECT id FROM alerts WHERE external_id = 'matrix-1'"));
  ApiResponse routing = api.call("POST", "/api/v1/routing-rules", kRoutingRule, api.admin);
  REQUIRE(routing.status == 201);
  ApiResponse grouping = api.call("POST", "/api/v1/grouping-rules", kGroupingRule, api.admin);
  REQUIRE(grouping.status == 201);
  const std::string routing_id = std::to_string(integer(routing.json().at("id")));
  const std::string grouping_id = std::to_string(integer(grouping.json().at("id")));

  const std::vector<Route> routes = {
      {"GET", "/api/v1/incidents", "", 0, 200},
      {"POST", "/api/v1/incidents", R"({"title":"from the matrix"})", 1, 201},
      {"GET", "/api/v1/incidents/" + n, "", 0, 200},
      {"PATCH", "/api/v1/incidents/" + n, R"({"summary":"patched"})", 1, 200},
      {"GET", "/api/v1/incidents/" + n + "/timeline", "", 0, 200},
      {"POST", "/api/v1/incidents/" + n + "/timeline", R"({"text":"a note"})", 1, 201},
      {"GET", "/api/v1/alerts", "", 0, 200},
      {"GET", "/api/v1/alerts/" + alert, "", 0, 200},
      {"POST", "/api/v1/alerts/" + alert + "/acknowledge", "", 1, 200},
      {"GET", "/api/v1/routing-rules", "", 0, 200},
      {"POST", "/api/v1/routing-rules", kRoutingRule, 2, 201},
      {"GET", "/api/v1/routing-rules/" + routing_id, "", 0, 200},
      {"PUT", "/api/v1/routing-rules/" + routing_id, kRoutingRule, 2, 200},
      {"DELETE", "/api/v1/routing-rules/" + routing_id, "", 2, 204},
      {"GET", "/api/v1/grouping-rules", "", 0, 200},
      {"POST", "/api/v1/grouping-rules", kGroupingRule, 2, 201},
      {"GET", "/api/v1/grouping-rules/" + grouping_id, "", 0, 200},
      {"PUT", "/api/v1/grouping-rules/" + grouping_id, kGroupingRule, 2, 200},
      {"DELETE", "/api/v1/grouping-rules/" + grouping_id, "", 2, 204},
  };
  const std::string unknown = "Bearer rgn_" + std::string(12, 'a') + "_" + std::string(64, 'b');
  for (const Route& route : routes) {
    INFO(backend << ": " << route.method << " " << route.target);
    const std::string before = snapshot(api);
    for (const std::string& authorization : {std::string(), std::string("Basic x"), unknown}) {
      INFO("Authorization: " << authorization);
      ApiResponse response =
          api_request(api.port(), route.method, route.target, route.body, authorization);
      CHECK(response.status == 401);
      CHECK(response.error_code() == "unauthorized");
      CHECK(response.header("WWW-Authenticate").starts_with("Bearer"));
    }
    for (int role = 0; role < route.required; ++role) {
      INFO("role " << kRoles[role]);
      ApiResponse response = api.call(route.method, route.target, route.body, token_for(api, role));
      CHECK(response.status == 403);
      CHECK(response.error_code() == "forbidden");
    }
    CHECK(snapshot(api) == before);
    for (int role = route.required; role < 3; ++role) {
      INFO("role " << kRoles[role]);
      ApiResponse response = api.call(route.method, route.target, route.body, token_for(api, role));
      INFO(response.text);
      CHECK(response.status == route.success);
    }
  }
}

TEST_CASE("api alerts: lists filter by source, status and severity and page with a cursor") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  api.post_alert("critical one", "g-1", "critical");
  api.post_alert("warning one", "g-2", "warning");
  api.post_alert("info one", "g-3", "info");
  ApiResponse resolved =
      api_request(api.port(), "POST", "/api/v1/webhooks/generic",
                  R"({"title":"gone","external_id":"g-4","status":"resolved"})", "");
  REQUIRE(resolved.status == 200);
  ApiResponse prometheus = api_request(
      api.port(), "POST", "/api/v1/webhooks/prometheus",
      regen::test::read_file(REGEN_SOURCE_DIR "/tests/data/prometheus/multi_alert.json"), "");
  REQUIRE(prometheus.status == 200);

  std::vector<json::object> alerts = all_alerts(api);
  REQUIRE(alerts.size() == 7);
  for (std::size_t i = 1; i < alerts.size(); ++i) {
    CHECK(text(alerts[i - 1].at("received_at")) >= text(alerts[i].at("received_at")));
  }
  // Each filter returns exactly the listed alerts that satisfy it, in the same order.
  struct Filter {
    std::string query;
    std::function<bool(const json::object&)> keep;
    std::size_t at_least;  // the oracle itself must find something to compare
  };
  auto field_in = [](const char* key, std::set<std::string> values) {
    return
        [key, values](const json::object& alert) { return values.count(text(alert.at(key))) > 0; };
  };
  const std::vector<Filter> filters = {
      {"source=generic", field_in("source", {"generic"}), 4},
      {"source=prometheus", field_in("source", {"prometheus"}), 3},
      {"source=generic,prometheus", field_in("source", {"generic", "prometheus"}), 7},
      {"status=resolved", field_in("status", {"resolved"}), 2},
      {"status=firing", field_in("status", {"firing"}), 5},
      {"severity=critical", field_in("severity", {"critical"}), 1},
      {"severity=info&severity=warning", field_in("severity", {"info", "warning"}), 2},
      {"source=generic&status=firing&severity=critical",
       [](const json::object& a) {
         return text(a.at("source")) == "generic" && text(a.at("status")) == "firing" &&
                text(a.at("severity")) == "critical";
       },
       1},
  };
  for (const Filter& filter : filters) {
    INFO(backend << ": ?" << filter.query);
    std::vector<int64_t> expected;
    for (const json::object& alert : alerts) {
      if (filter.keep(alert)) expected.push_back(integer(alert.at("id")));
    }
    CHECK(expected.size() >= filter.at_least);
    ApiResponse response = api.get("/api/v1/alerts?" + filter.query, api.viewer);
    REQUIRE(response.status == 200);
    CHECK(ids_of(response.data()) == expected);
    CHECK(integer(response.json().at("total")) == static_cast<int64_t>(expected.size()));
  }
  ApiResponse bad = api.get("/api/v1/alerts?status=open", api.viewer);
  CHECK(bad.status == 400);
  CHECK(bad.error_field() == "status");

  // Following next_cursor two at a time visits the whole list once, in order.
  std::vector<int64_t> paged;
  std::string target = "/api/v1/alerts?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    ApiResponse page = api.get(target, api.viewer);
    REQUIRE(page.status == 200);
    for (int64_t id : ids_of(page.data())) paged.push_back(id);
    const json::value& next = page.json().at("next_cursor");
    if (next.is_null()) break;
    target = "/api/v1/alerts?limit=2&cursor=" + regen::test::url_encode(text(next));
  }
  std::vector<int64_t> all_ids;
  for (const json::object& alert : alerts) all_ids.push_back(integer(alert.at("id")));
  CHECK(paged == all_ids);
}

TEST_CASE("api alerts: an alert is shown with its raw payload and acknowledged once") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  api.post_alert("disk full", "ack-1", "critical", {{"team", "db"}});
  const int64_t id = api.count("SELECT id FROM alerts WHERE external_id = 'ack-1'");
  const int64_t incident = api.count("SELECT incident_id FROM alerts WHERE external_id = 'ack-1'");
  const std::string path = "/api/v1/alerts/" + std::to_string(id);

  ApiResponse shown = api.get(path, api.viewer);
  REQUIRE(shown.status == 200);
  CHECK(integer(shown.json().at("id")) == id);
  CHECK(text(shown.json().at("external_id")) == "ack-1");
  CHECK(text(shown.json().at("labels").at("team")) == "db");
  CHECK(integer(shown.json().at("incident_id")) == incident);
  CHECK(shown.json().at("acknowledged_at").is_null());
  REQUIRE(shown.json().contains("raw"));
  CHECK(json::serialize(shown.json().at("raw")).find("ack-1") != std::string::npos);

  const std::string acknowledged =
      "SELECT COUNT(*) FROM timeline WHERE kind = 'alert_acknowledged' AND incident_id = " +
      std::to_string(incident);
  ApiResponse first = api.call("POST", path + "/acknowledge", "", api.responder);
  REQUIRE(first.status == 200);
  CHECK(first.json().at("changed").as_bool());
  CHECK(first.json().at("acknowledged_at").is_string());
  CHECK(api.count(acknowledged) == 1);
  CHECK(api.count(acknowledged + " AND actor = 'responder'") == 1);
  ApiResponse again = api.call("POST", path + "/acknowledge", "", api.admin);
  REQUIRE(again.status == 200);
  CHECK_FALSE(again.json().at("changed").as_bool());
  CHECK(again.json().at("acknowledged_at") == first.json().at("acknowledged_at"));
  CHECK(api.count(acknowledged) == 1);
  CHECK(api.get(path, api.viewer).json().at("acknowledged_at").is_string());

  ApiResponse timeline =
      api.get("/api/v1/incidents/id:" + std::to_string(incident) + "/timeline", api.viewer);
  REQUIRE(timeline.status == 200);
  const json::object& entry = timeline.data().back().as_object();
  CHECK(text(entry.at("kind")) == "alert_acknowledged");
  CHECK(text(entry.at("actor")) == "responder");
  CHECK(integer(entry.at("payload").at("alert_id")) == id);

  // Two acknowledgements at once: one changes the alert, the other finds it done.
  api.post_alert("raced", "ack-2");
  const std::string raced =
      "/api/v1/alerts/" +
      std::to_string(api.count("SELECT id FROM alerts WHERE external_id = 'ack-2'")) +
      "/acknowledge";
  int changed = 0;
  for (const ApiResponse& response : api.call_together("POST", raced, {"", "", ""}, api.admin)) {
    REQUIRE(response.status == 200);
    changed += response.json().at("changed").as_bool() ? 1 : 0;
  }
  CHECK(changed == 1);
  CHECK(api.count("SELECT COUNT(*) FROM timeline WHERE kind = 'alert_acknowledged'") == 2);

  for (const std::string& target :
       {std::string("/api/v1/alerts/999999"), std::string("/api/v1/alerts/999999/acknowledge")}) {
    INFO(target);
    ApiResponse missing = target.ends_with("acknowledge")
                              ? api.call("POST", target, "", api.responder)
                              : api.get(target, api.viewer);
    CHECK(missing.status == 404);
    CHECK(missing.error_code() == "not_found");
  }
  for (const std::string bad : {"abc", "0", "-1", "1.5"}) {
    INFO(bad);
    ApiResponse response = api.get("/api/v1/alerts/" + bad, api.viewer);
    CHECK(response.status == 400);
    CHECK(response.error_field() == "id");
    CHECK(api.call("POST", "/api/v1/alerts/" + bad + "/acknowledge", "", api.responder).status ==
          400);
  }
}

TEST_CASE("api tokens: listed without secrets, last use recorded, revocation immediate") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  auto listed = [&](bool include_revoked) {
    json::object reply = api.regend().admin("tokens.list", {{"include_revoked", include_revoked}});
    REQUIRE(reply.at("ok").as_bool());
    return reply.at("data").at("tokens").as_array();
  };
  auto entry = [&](const json::array& tokens, const std::string& name) {
    for (const json::value& token : tokens) {
      if (text(token.at("name")) == name && token.at("revoked_at").is_null()) {
        return token.as_object();
      }
    }
    FAIL("no active token named " << name);
    return json::object();
  };

  json::array tokens = listed(true);
  CHECK(tokens.size() == 3);
  const std::string serialized = json::serialize(tokens);
  for (const std::string& secret : {api.viewer, api.responder, api.admin}) {
    CHECK(serialized.find(secret) == std::string::npos);
    CHECK(serialized.find(secret.substr(17)) == std::string::npos);  // the secret part
  }
  for (const std::string& hash : api.column("SELECT secret_hash FROM api_tokens")) {
    CHECK(serialized.find(hash) == std::string::npos);
  }
  for (const json::value& token : tokens) {
    CHECK_FALSE(token.as_object().contains("token"));
    CHECK_FALSE(token.as_object().contains("secret_hash"));
  }
  CHECK(entry(tokens, "viewer").at("last_used_at").is_null());

  REQUIRE(api.get("/api/v1/incidents", api.viewer).status == 200);
  tokens = listed(false);
  CHECK(entry(tokens, "viewer").at("last_used_at").is_string());
  CHECK(entry(tokens, "responder").at("last_used_at").is_null());

  json::object revoked = api.regend().admin("tokens.revoke", {{"name", "viewer"}});
  REQUIRE(revoked.at("ok").as_bool());
  ApiResponse refused = api.get("/api/v1/incidents", api.viewer);
  CHECK(refused.status == 401);
  CHECK_FALSE(refused.header("WWW-Authenticate").empty());
  CHECK(listed(false).size() == 2);
  CHECK(listed(true).size() == 3);
  json::object again = api.regend().admin("tokens.revoke", {{"name", "viewer"}});
  CHECK_FALSE(again.at("ok").as_bool());
  CHECK(text(again.at("error").at("code")) == "not_found");

  json::object duplicate =
      api.regend().admin("tokens.create", {{"name", "responder"}, {"role", "viewer"}});
  CHECK_FALSE(duplicate.at("ok").as_bool());
  CHECK(text(duplicate.at("error").at("code")) == "conflict");
  CHECK(api.get("/api/v1/incidents", api.responder).status == 200);

  const std::string reused = api.create_token("viewer", "admin");
  CHECK(api.get("/api/v1/routing-rules", reused).status == 200);
  CHECK(api.call("POST", "/api/v1/routing-rules", kRoutingRule, reused).status == 201);
  CHECK(api.get("/api/v1/incidents", api.viewer).status == 401);
  CHECK(listed(true).size() == 4);
}
