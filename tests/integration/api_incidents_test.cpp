// The incidents API through the real binary on both storage backends: list filters and paging,
// the detail view, opening an incident by hand, status and field changes with their timeline
// entries and outbox events, and notes.

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/api_fixture.h"

namespace json = boost::json;
using regen::test::ApiFixture;
using regen::test::ApiResponse;
using regen::test::integer;
using regen::test::text;
using regen::test::url_encode;

namespace {

int64_t number_of(const json::object& incident) { return integer(incident.at("incident_number")); }

std::vector<int64_t> numbers(const ApiResponse& response) {
  std::vector<int64_t> values;
  for (const json::value& incident : response.data())
    values.push_back(number_of(incident.as_object()));
  return values;
}

// The incident numbers GET /api/v1/incidents?<query> lists, newest first.
std::vector<int64_t> listed(const ApiFixture& api, const std::string& query) {
  ApiResponse response = api.get("/api/v1/incidents?" + query, api.viewer);
  INFO("?" << query << " -> " << response.text);
  REQUIRE(response.status == 200);
  return numbers(response);
}

ApiResponse patch(const ApiFixture& api, int64_t number, const std::string& body) {
  return api.call("PATCH", "/api/v1/incidents/" + std::to_string(number), body, api.responder);
}

// The newest timeline entry of the incident, through the API.
json::object last_entry(const ApiFixture& api, int64_t number) {
  ApiResponse timeline =
      api.get("/api/v1/incidents/" + std::to_string(number) + "/timeline?limit=250", api.viewer);
  REQUIRE(timeline.status == 200);
  REQUIRE_FALSE(timeline.data().empty());
  return timeline.data().back().as_object();
}

std::vector<std::string> strings(const json::value& array) {
  std::vector<std::string> values;
  for (const json::value& value : array.as_array()) values.push_back(text(value));
  return values;
}

// A generic webhook carrying `count` alerts without alertname: one incident each.
void post_batch(const ApiFixture& api, const std::string& prefix, int count) {
  json::array alerts;
  for (int i = 0; i < count; ++i) {
    alerts.push_back(json::object{{"title", prefix + " " + std::to_string(i)},
                                  {"external_id", prefix + "-" + std::to_string(i)}});
  }
  ApiResponse response =
      regen::test::api_request(api.port(), "POST", "/api/v1/webhooks/generic",
                               json::serialize(json::object{{"alerts", std::move(alerts)}}), "");
  INFO(response.text);
  REQUIRE(response.status == 200);
  REQUIRE(integer(response.json().at("incidents_created")) == count);
}

}  // namespace

TEST_CASE("api incidents: the list filters by status, severity, creation time and title") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  const int64_t a = number_of(api.create_incident("Disk 100% full on db-1", "critical"));
  const int64_t b = number_of(api.create_incident("cache_miss storm", "warning"));
  const int64_t c = number_of(api.create_incident("DISK latency", "info"));
  const int64_t d = number_of(api.create_incident("Diskx queue", "warning"));
  REQUIRE(patch(api, b, R"({"status":"acknowledged"})").status == 200);
  REQUIRE(patch(api, c, R"({"status":"resolved"})").status == 200);
  REQUIRE(patch(api, d, R"({"status":"canceled"})").status == 200);

  using Numbers = std::vector<int64_t>;
  CHECK(listed(api, "") == Numbers{d, c, b, a});
  CHECK(listed(api, "status=triggered&status=acknowledged") == Numbers{b, a});
  CHECK(listed(api, "status=resolved,canceled") == Numbers{d, c});
  CHECK(listed(api, "status=triggered") == Numbers{a});
  CHECK(listed(api, "severity=warning") == Numbers{d, b});
  CHECK(listed(api, "severity=critical,info") == Numbers{c, a});
  CHECK(listed(api, "status=canceled&severity=warning") == Numbers{d});
  CHECK(listed(api, "q=disk") == Numbers{d, c, a});
  CHECK(listed(api, "q=" + url_encode("dIsK 100")) == Numbers{a});
  CHECK(listed(api, "q=" + url_encode("%")) == Numbers{a});
  CHECK(listed(api, "q=_") == Numbers{b});
  CHECK(listed(api, "q=" + url_encode("0% f")) == Numbers{a});
  CHECK(listed(api, "q=" + url_encode("e_m")) == Numbers{b});
  CHECK(listed(api, "q=nothing-like-this").empty());
  CHECK(listed(api, "q=disk&severity=info") == Numbers{c});

  // created_after is inclusive, created_before exclusive; the expectation comes from the times
  // the list itself reports, so incidents created within one millisecond do not matter.
  ApiResponse all = api.get("/api/v1/incidents", api.viewer);
  REQUIRE(all.status == 200);
  const std::string boundary = text(all.data().at(1).at("created_at"));  // c's
  Numbers at_or_after, before;
  for (const json::value& incident : all.data()) {
    (text(incident.at("created_at")) >= boundary ? at_or_after : before)
        .push_back(number_of(incident.as_object()));
  }
  CHECK(std::find(at_or_after.begin(), at_or_after.end(), c) != at_or_after.end());
  CHECK(listed(api, "created_after=" + url_encode(boundary)) == at_or_after);
  CHECK(listed(api, "created_before=" + url_encode(boundary)) == before);
  CHECK(listed(api, "created_after=2000-01-01T00:00:00Z") == Numbers{d, c, b, a});
  CHECK(listed(api, "created_before=2000-01-01T00:00:00Z").empty());
  CHECK(listed(api, "created_after=2000-01-01T00:00:00Z&created_before=2999-01-01T00:00:00Z")
            .size() == 4);
  CHECK(listed(api, "created_after=2999-01-01T00:00:00Z").empty());

  struct Bad {
    std::string query;
    std::string field;
  };
  for (const Bad& bad :
       {Bad{"status=open", "status"}, Bad{"status=triggered,open", "status"},
        Bad{"severity=high", "severity"}, Bad{"created_after=yesterday", "created_after"},
        Bad{"created_before=2026-13-01T00:00:00Z", "created_before"}, Bad{"sort=asc", "sort"},
        Bad{"limit=251", "limit"}, Bad{"limit=0", "limit"}, Bad{"limit=ten", "limit"},
        Bad{"offset=-1", "offset"}, Bad{"page=0", "page"}, Bad{"cursor=abc", "cursor"},
        Bad{"cursor=1700000000000-1&offset=2", "cursor"},
        Bad{"cursor=1700000000000-1&page=2", "cursor"}}) {
    INFO("?" << bad.query);
    ApiResponse response = api.get("/api/v1/incidents?" + bad.query, api.viewer);
    CHECK(response.status == 400);
    CHECK(response.error_code() == "invalid_argument");
    CHECK(response.error_field() == bad.field);
  }

  // The characters a LIKE pattern or an SQL literal would treat specially are plain text too.
  const int64_t e = number_of(api.create_incident(R"(C:\temp isn't 50%_full)", "info"));
  CHECK(listed(api, "q=" + url_encode("\\")) == Numbers{e});
  CHECK(listed(api, "q=" + url_encode("'")) == Numbers{e});
  CHECK(listed(api, "q=" + url_encode("%_")) == Numbers{e});
  CHECK(listed(api, "q=" + url_encode("\\t")) == Numbers{e});
  CHECK(listed(api, "q=_") == Numbers{e, b});
}

TEST_CASE("api incidents: the list envelope, its default limit, offset and page") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  post_batch(api, "many", 53);
  const std::vector<std::string> numbers_in_store =
      api.column("SELECT incident_number FROM incidents ORDER BY created_at DESC, id DESC");
  REQUIRE(numbers_in_store.size() == 53);
  std::vector<int64_t> newest_first;
  for (const std::string& n : numbers_in_store) newest_first.push_back(std::stoll(n));

  ApiResponse first = api.get("/api/v1/incidents", api.viewer);
  REQUIRE(first.status == 200);
  const json::object& envelope = first.json();
  CHECK(envelope.size() == 6);
  CHECK(first.data().size() == 50);
  CHECK(integer(envelope.at("total")) == 53);
  CHECK(envelope.at("total_exact") == json::value(true));
  CHECK(integer(envelope.at("limit")) == 50);
  CHECK(integer(envelope.at("offset")) == 0);
  CHECK(envelope.at("next_cursor").is_string());
  CHECK(numbers(first) == std::vector<int64_t>(newest_first.begin(), newest_first.begin() + 50));
  const json::object& incident = first.data().at(0).as_object();
  for (const char* key : {"id", "incident_number", "title", "severity", "status", "summary",
                          "commander", "group_key", "created_at", "updated_at", "acknowledged_at",
                          "resolved_at", "time_to_acknowledge_s", "time_to_resolve_s"}) {
    CHECK(incident.contains(key));
  }

  ApiResponse offset = api.get("/api/v1/incidents?limit=3&offset=2", api.viewer);
  REQUIRE(offset.status == 200);
  CHECK(numbers(offset) ==
        std::vector<int64_t>(newest_first.begin() + 2, newest_first.begin() + 5));
  CHECK(integer(offset.json().at("offset")) == 2);
  CHECK(integer(offset.json().at("limit")) == 3);
  CHECK(integer(offset.json().at("total")) == 53);

  ApiResponse page = api.get("/api/v1/incidents?limit=4&page=3", api.viewer);
  REQUIRE(page.status == 200);
  CHECK(numbers(page) == std::vector<int64_t>(newest_first.begin() + 8, newest_first.begin() + 12));
  CHECK(integer(page.json().at("offset")) == 8);

  ApiResponse last = api.get("/api/v1/incidents?limit=10&offset=50", api.viewer);
  REQUIRE(last.status == 200);
  CHECK(last.data().size() == 3);
  CHECK(last.json().at("next_cursor").is_null());
  ApiResponse beyond = api.get("/api/v1/incidents?offset=100", api.viewer);
  REQUIRE(beyond.status == 200);
  CHECK(beyond.data().empty());
  CHECK(integer(beyond.json().at("total")) == 53);
  CHECK(api.get("/api/v1/incidents?limit=250", api.viewer).data().size() == 53);

  // One webhook opened them all in one transaction, so they share created_at: the cursor must
  // still split the tie by id, neither skipping nor repeating a row.
  std::vector<int64_t> paged;
  std::string target = "/api/v1/incidents?limit=7";
  for (int round = 0; round < 20; ++round) {
    ApiResponse next_page = api.get(target, api.viewer);
    REQUIRE(next_page.status == 200);
    for (int64_t number : numbers(next_page)) paged.push_back(number);
    const json::value& next = next_page.json().at("next_cursor");
    if (next.is_null()) break;
    target = "/api/v1/incidents?limit=7&cursor=" + url_encode(text(next));
  }
  CHECK(paged == newest_first);
}

TEST_CASE("api incidents: following next_cursor while incidents arrive sees each one once") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  for (int i = 0; i < 30; ++i)
    api.post_alert("paged " + std::to_string(i), "paged-" + std::to_string(i));
  std::vector<int64_t> originals;
  for (const std::string& n : api.column("SELECT incident_number FROM incidents")) {
    originals.push_back(std::stoll(n));
  }
  REQUIRE(originals.size() == 30);

  std::vector<int64_t> seen;
  std::vector<std::size_t> sizes;
  std::string previous_created;
  int inserted = 0;
  std::string target = "/api/v1/incidents?limit=7";
  for (int round = 0; round < 20; ++round) {
    ApiResponse page = api.get(target, api.viewer);
    INFO(target << " -> " << page.text);
    REQUIRE(page.status == 200);
    CHECK(integer(page.json().at("total")) == 30 + inserted);
    sizes.push_back(page.data().size());
    for (const json::value& incident : page.data()) {
      const std::string created = text(incident.at("created_at"));
      if (!seen.empty()) {
        CHECK(created <= previous_created);  // newest first, across pages too
        CHECK(number_of(incident.as_object()) < seen.back());
      }
      previous_created = created;
      seen.push_back(number_of(incident.as_object()));
    }
    api.post_alert("late", "late-" + std::to_string(inserted++));
    const json::value& next = page.json().at("next_cursor");
    if (next.is_null()) break;
    target = "/api/v1/incidents?limit=7&cursor=" + url_encode(text(next));
  }
  CHECK(sizes == std::vector<std::size_t>{7, 7, 7, 7, 2});
  std::vector<int64_t> sorted_seen = seen;
  std::sort(sorted_seen.begin(), sorted_seen.end());
  std::sort(originals.begin(), originals.end());
  CHECK(sorted_seen == originals);
  CHECK(std::adjacent_find(sorted_seen.begin(), sorted_seen.end()) == sorted_seen.end());
}

TEST_CASE("api incidents: the detail view embeds alerts and the first timeline entries") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  api.post_alert("cpu high", "d-1", "critical", {{"alertname", "CpuHigh"}, {"host", "a"}});
  api.post_alert("cpu high", "d-2", "critical", {{"alertname", "CpuHigh"}, {"host", "b"}});
  REQUIRE(api.count("SELECT COUNT(*) FROM incidents") == 1);
  const int64_t id = api.count("SELECT id FROM incidents");
  const int64_t n = api.count("SELECT incident_number FROM incidents");
  const std::string path = "/api/v1/incidents/" + std::to_string(n);

  ApiResponse shown = api.get(path, api.viewer);
  REQUIRE(shown.status == 200);
  const json::object& detail = shown.json();
  CHECK(integer(detail.at("id")) == id);
  CHECK(text(detail.at("title")) == "cpu high");
  CHECK(text(detail.at("severity")) == "critical");
  CHECK(detail.at("group_key").is_string());
  CHECK(integer(detail.at("alerts").at("total")) == 2);
  CHECK(detail.at("alerts").at("data").as_array().size() == 2);
  std::vector<std::string> external_ids;
  for (const json::value& alert : detail.at("alerts").at("data").as_array()) {
    external_ids.push_back(text(alert.at("external_id")));
  }
  std::sort(external_ids.begin(), external_ids.end());
  CHECK(external_ids == std::vector<std::string>{"d-1", "d-2"});
  const int64_t initial = integer(detail.at("timeline").at("total"));
  CHECK(initial == 3);  // incident_created, alert_linked twice
  CHECK(text(detail.at("timeline").at("data").at(0).at("kind")) == "incident_created");
  CHECK(detail.at("time_to_acknowledge_s").is_null());
  CHECK(detail.at("time_to_resolve_s").is_null());

  ApiResponse by_id = api.get("/api/v1/incidents/id:" + std::to_string(id), api.viewer);
  REQUIRE(by_id.status == 200);
  CHECK(integer(by_id.json().at("incident_number")) == n);
  CHECK(by_id.json().at("timeline") == detail.at("timeline"));

  for (int i = 0; i < 55; ++i) {
    ApiResponse note = api.call("POST", path + "/timeline",
                                R"({"text":"note )" + std::to_string(i) + R"("})", api.responder);
    REQUIRE(note.status == 201);
  }
  ApiResponse busy = api.get(path, api.viewer);
  REQUIRE(busy.status == 200);
  CHECK(integer(busy.json().at("timeline").at("total")) == initial + 55);
  const json::array& first = busy.json().at("timeline").at("data").as_array();
  CHECK(first.size() == 50);
  CHECK(text(first.at(0).at("kind")) == "incident_created");
  CHECK(text(first.at(49).at("payload").at("text")) == "note " + std::to_string(49 - initial));

  REQUIRE(patch(api, n, R"({"status":"acknowledged"})").status == 200);
  ApiResponse acknowledged = api.get(path, api.viewer);
  REQUIRE(acknowledged.json().at("time_to_acknowledge_s").is_number());
  CHECK(acknowledged.json().at("time_to_acknowledge_s").to_number<double>() >= 0);
  CHECK(acknowledged.json().at("time_to_resolve_s").is_null());
  REQUIRE(patch(api, n, R"({"status":"resolved"})").status == 200);
  ApiResponse resolved = api.get(path, api.viewer);
  REQUIRE(resolved.json().at("time_to_resolve_s").is_number());
  CHECK(resolved.json().at("time_to_resolve_s").to_number<double>() >=
        resolved.json().at("time_to_acknowledge_s").to_number<double>());

  for (const std::string missing : {"999999", "id:999999"}) {
    INFO(missing);
    ApiResponse response = api.get("/api/v1/incidents/" + missing, api.viewer);
    CHECK(response.status == 404);
    const json::object& error = response.json().at("error").as_object();
    CHECK(text(error.at("code")) == "not_found");
    CHECK_FALSE(text(error.at("message")).empty());
    CHECK(error.at("details").is_object());
    CHECK_FALSE(text(error.at("request_id")).empty());
  }
  for (const std::string bad : {"abc", "0", "-3", "id:abc", "id:0", "1x"}) {
    INFO(bad);
    ApiResponse response = api.get("/api/v1/incidents/" + bad, api.viewer);
    CHECK(response.status == 400);
    CHECK(response.error_field() == "id");
  }
}

TEST_CASE(
    "api incidents: POST opens an incident in the name of the token, and bad input stores "
    "nothing") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  ApiResponse created = api.call(
      "POST", "/api/v1/incidents",
      R"({"title":"Checkout down","severity":"critical","summary":"by hand"})", api.responder);
  REQUIRE(created.status == 201);
  const int64_t n = number_of(created.json());
  CHECK(created.header("Location") == "/api/v1/incidents/" + std::to_string(n));
  CHECK(text(created.json().at("status")) == "triggered");
  CHECK(text(created.json().at("severity")) == "critical");
  CHECK(text(created.json().at("summary")) == "by hand");
  CHECK(created.json().at("commander").is_null());
  CHECK(created.json().at("group_key").is_null());
  ApiResponse located = api.get(created.header("Location"), api.viewer);
  REQUIRE(located.status == 200);
  CHECK(located.json().at("id") == created.json().at("id"));
  const json::object& entry = located.json().at("timeline").at("data").at(0).as_object();
  CHECK(text(entry.at("kind")) == "incident_created");
  CHECK(text(entry.at("actor")) == "responder");
  CHECK(api.count("SELECT COUNT(*) FROM outbox WHERE event_type = 'incident_created'") == 1);

  ApiResponse plain = api.call("POST", "/api/v1/incidents", R"({"title":"plain"})", api.admin);
  REQUIRE(plain.status == 201);
  CHECK(text(plain.json().at("severity")) == "warning");
  CHECK(text(last_entry(api, number_of(plain.json())).at("actor")) == "admin");
  const std::string longest = R"({"title":")" + std::string(500, 't') + R"("})";
  CHECK(api.call("POST", "/api/v1/incidents", longest, api.responder).status == 201);

  const int64_t incidents = api.count("SELECT COUNT(*) FROM incidents");
  struct Bad {
    std::string body;
    std::string field;
  };
  for (const Bad& bad : {Bad{R"({"severity":"critical"})", "title"},
                         Bad{R"({"title":""})", "title"}, Bad{R"({"title":"  "})", "title"},
                         Bad{R"({"title":null})", "title"}, Bad{R"({"title":5})", "title"},
                         Bad{R"({"title":")" + std::string(501, 't') + R"("})", "title"},
                         Bad{R"({"title":"x","severity":"urgent"})", "severity"},
                         Bad{R"({"title":"x","priority":1})", "priority"},
                         Bad{R"({"title":"x","summary":7})", "summary"}, Bad{"{not json", ""},
                         Bad{"[1,2]", ""}, Bad{R"("title")", ""}, Bad{"", ""}}) {
    INFO(bad.body);
    ApiResponse response = api.call("POST", "/api/v1/incidents", bad.body, api.responder);
    CHECK(response.status == 400);
    CHECK(response.error_code() == "invalid_argument");
    CHECK(response.error_field() == bad.field);
  }
  CHECK(api.count("SELECT COUNT(*) FROM incidents") == incidents);
}

TEST_CASE("api incidents: PATCH follows the lifecycle, one timeline entry and event per change") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  const json::object incident = api.create_incident("patch me");
  const int64_t n = number_of(incident);
  const std::string where = " WHERE incident_id = " + std::to_string(integer(incident.at("id")));
  auto entries = [&] { return api.count("SELECT COUNT(*) FROM timeline" + where); };
  auto events = [&] { return api.count("SELECT COUNT(*) FROM outbox" + where); };
  int64_t timeline = entries();
  int64_t outbox = events();
  // Each step: the body, then how many entries (and events) it must add.
  auto expect_added = [&](int64_t added) {
    CHECK(entries() == timeline + added);
    CHECK(events() == outbox + added);
    timeline = entries();
    outbox = events();
  };

  ApiResponse acknowledged = patch(api, n, R"({"status":"acknowledged"})");
  REQUIRE(acknowledged.status == 200);
  CHECK(text(acknowledged.json().at("status")) == "acknowledged");
  CHECK(strings(acknowledged.json().at("changed")) == std::vector<std::string>{"status"});
  CHECK(acknowledged.json().at("acknowledged_at").is_string());
  expect_added(1);
  json::object entry = last_entry(api, n);
  CHECK(text(entry.at("kind")) == "status_changed");
  CHECK(text(entry.at("actor")) == "responder");
  CHECK(text(entry.at("payload").at("from")) == "triggered");
  CHECK(text(entry.at("payload").at("to")) == "acknowledged");

  ApiResponse same = patch(api, n, R"({"status":"acknowledged"})");
  REQUIRE(same.status == 200);
  CHECK(same.json().at("changed").as_array().empty());
  CHECK(same.json().at("updated_at") == acknowledged.json().at("updated_at"));
  expect_added(0);

  ApiResponse cancel = patch(api, n, R"({"status":"canceled","summary":"never stored"})");
  REQUIRE(cancel.status == 409);
  CHECK(cancel.error_code() == "conflict");
  const json::value& details = cancel.json().at("error").at("details");
  CHECK(strings(details.at("allowed")) == std::vector<std::string>{"resolved"});
  CHECK(text(details.at("from")) == "acknowledged");
  CHECK(text(details.at("to")) == "canceled");
  CHECK(text(details.at("field")) == "status");
  expect_added(0);
  CHECK(text(api.get("/api/v1/incidents/" + std::to_string(n), api.viewer).json().at("summary"))
            .empty());

  ApiResponse resolved = patch(api, n, R"({"status":"resolved"})");
  REQUIRE(resolved.status == 200);
  CHECK(resolved.json().at("resolved_at").is_string());
  expect_added(1);
  ApiResponse reopen = patch(api, n, R"({"status":"acknowledged"})");
  REQUIRE(reopen.status == 409);
  CHECK(reopen.json().at("error").at("details").at("allowed").as_array().empty());
  CHECK(text(reopen.json().at("error").at("details").at("from")) == "resolved");
  CHECK(text(reopen.json().at("error").at("details").at("to")) == "acknowledged");
  expect_added(0);

  const int64_t other = number_of(api.create_incident("cancel me"));
  ApiResponse canceled = patch(api, other, R"({"status":"canceled"})");
  REQUIRE(canceled.status == 200);
  CHECK(text(canceled.json().at("status")) == "canceled");
  CHECK(patch(api, other, R"({"status":"triggered"})").status == 409);

  // Field changes on a fresh incident: one entry per changed field.
  const json::object fields = api.create_incident("fields");
  const int64_t f = number_of(fields);
  const std::string f_where = " WHERE incident_id = " + std::to_string(integer(fields.at("id")));
  auto f_entries = [&] { return api.count("SELECT COUNT(*) FROM timeline" + f_where); };
  auto f_events = [&] { return api.count("SELECT COUNT(*) FROM outbox" + f_where); };
  struct Step {
    std::string body;
    std::vector<std::string> changed;
    std::string kind;  // of the newest entry afterwards
  };
  for (const Step& step :
       {Step{R"({"severity":"critical"})", {"severity"}, "severity_changed"},
        Step{R"({"summary":"db failover"})", {"summary"}, "summary_changed"},
        Step{R"({"commander":"alice"})", {"commander"}, "commander_changed"},
        Step{R"({"commander":null})", {"commander"}, "commander_changed"},
        Step{R"({"commander":null})", {}, "commander_changed"},
        Step{R"({"severity":"info","summary":"s2","commander":"bob"})",
             {"severity", "summary", "commander"},
             "commander_changed"},
        Step{R"({"severity":"info","summary":"s3"})", {"summary"}, "summary_changed"}}) {
    INFO(step.body);
    const int64_t before_entries = f_entries();
    const int64_t before_events = f_events();
    ApiResponse response = patch(api, f, step.body);
    REQUIRE(response.status == 200);
    CHECK(strings(response.json().at("changed")) == step.changed);
    CHECK(f_entries() == before_entries + static_cast<int64_t>(step.changed.size()));
    CHECK(f_events() == before_events + static_cast<int64_t>(step.changed.size()));
    CHECK(text(last_entry(api, f).at("kind")) == step.kind);
  }
  ApiResponse current = api.get("/api/v1/incidents/" + std::to_string(f), api.viewer);
  CHECK(text(current.json().at("severity")) == "info");
  CHECK(text(current.json().at("summary")) == "s3");
  CHECK(text(current.json().at("commander")) == "bob");
  CHECK(patch(api, f, R"({"commander":null})").json().at("commander").is_null());
  json::object cleared = last_entry(api, f);
  CHECK(text(cleared.at("payload").at("from")) == "bob");
  CHECK(cleared.at("payload").at("to").is_null());

  const int64_t before_entries = f_entries();
  struct Bad {
    std::string body;
    std::string field;
  };
  for (const Bad& bad :
       {Bad{"{}", ""}, Bad{R"({"status":"open"})", "status"},
        Bad{R"({"stauts":"resolved"})", "stauts"}, Bad{R"({"severity":"loud"})", "severity"},
        Bad{R"({"commander":5})", "commander"}, Bad{"[]", ""}, Bad{"nope", ""}}) {
    INFO(bad.body);
    ApiResponse response = patch(api, f, bad.body);
    CHECK(response.status == 400);
    CHECK(response.error_field() == bad.field);
  }
  CHECK(f_entries() == before_entries);
  CHECK(patch(api, 999999, R"({"status":"resolved"})").status == 404);
}

TEST_CASE("api incidents: the timeline pages oldest first and takes notes") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  const int64_t n = number_of(api.create_incident("notes"));
  const std::string path = "/api/v1/incidents/" + std::to_string(n) + "/timeline";

  ApiResponse note = api.call("POST", path, R"({"text":"first note"})", api.responder);
  REQUIRE(note.status == 201);
  CHECK(text(note.json().at("kind")) == "note");
  CHECK(text(note.json().at("actor")) == "responder");
  CHECK(text(note.json().at("payload").at("text")) == "first note");
  CHECK(note.json().at("id").is_number());
  CHECK(note.json().at("at").is_string());
  for (int i = 2; i <= 5; ++i) {
    REQUIRE(api.call("POST", path, R"({"text":"note )" + std::to_string(i) + R"("})", api.admin)
                .status == 201);
  }

  ApiResponse all = api.get(path, api.viewer);
  REQUIRE(all.status == 200);
  CHECK(integer(all.json().at("total")) == 6);
  CHECK(all.json().at("next_cursor").is_null());
  const json::array& entries = all.data();
  REQUIRE(entries.size() == 6);
  CHECK(text(entries.at(0).at("kind")) == "incident_created");
  CHECK(integer(entries.at(1).at("id")) == integer(note.json().at("id")));
  CHECK(text(entries.at(5).at("payload").at("text")) == "note 5");
  CHECK(text(entries.at(5).at("actor")) == "admin");
  for (std::size_t i = 1; i < entries.size(); ++i) {
    CHECK(text(entries.at(i - 1).at("at")) <= text(entries.at(i).at("at")));
    CHECK(integer(entries.at(i - 1).at("id")) < integer(entries.at(i).at("id")));
  }

  ApiResponse window = api.get(path + "?limit=2&offset=1", api.viewer);
  REQUIRE(window.status == 200);
  CHECK(window.data() == json::array{entries.at(1), entries.at(2)});
  CHECK(integer(window.json().at("total")) == 6);
  CHECK(integer(window.json().at("limit")) == 2);
  CHECK(integer(window.json().at("offset")) == 1);
  ApiResponse page = api.get(path + "?limit=2&page=3", api.viewer);
  REQUIRE(page.status == 200);
  CHECK(page.data() == json::array{entries.at(4), entries.at(5)});
  CHECK(api.get(path + "?limit=251", api.viewer).error_field() == "limit");
  CHECK(api.get(path + "?status=open", api.viewer).status == 400);

  const int64_t stored = api.count("SELECT COUNT(*) FROM timeline");
  for (const std::string body : {R"({"text":""})", R"({"text":"   "})", R"({})", R"({"text":null})",
                                 R"({"text":3})", R"({"text":"x","y":1})"}) {
    INFO(body);
    ApiResponse response = api.call("POST", path, body, api.responder);
    CHECK(response.status == 400);
    CHECK_FALSE(response.error_field().empty());
  }
  CHECK(api.call("POST", path, R"({"text":""})", api.responder).error_field() == "text");
  CHECK(api.count("SELECT COUNT(*) FROM timeline") == stored);

  const std::string unknown = "/api/v1/incidents/999999/timeline";
  CHECK(api.get(unknown, api.viewer).status == 404);
  CHECK(api.call("POST", unknown, R"({"text":"lost"})", api.responder).status == 404);
  CHECK(api.count("SELECT COUNT(*) FROM timeline") == stored);
}

TEST_CASE("api incidents: two concurrent status changes to one incident cannot both apply") {
  const std::string backend = GENERATE("sqlite", "postgres");
  ApiFixture api(backend);
  constexpr int kIncidents = 30;
  // acknowledged then canceled is refused, and so is canceled then acknowledged: whatever the
  // order, exactly one of the two may succeed.
  const std::vector<std::string> bodies = {R"({"status":"acknowledged"})",
                                           R"({"status":"canceled"})"};
  int both_applied = 0;
  std::string example;  // the first pair that did, for the failure message
  for (int i = 0; i < kIncidents; ++i) {
    const json::object incident = api.create_incident("race " + std::to_string(i));
    const std::string target = "/api/v1/incidents/" + std::to_string(number_of(incident));
    std::vector<int> statuses;
    for (const ApiResponse& response : api.call_together("PATCH", target, bodies, api.responder)) {
      statuses.push_back(response.status);
    }
    const int64_t changes =
        api.count("SELECT COUNT(*) FROM timeline WHERE kind = 'status_changed' AND incident_id = " +
                  std::to_string(integer(incident.at("id"))));
    const bool one_won = std::count(statuses.begin(), statuses.end(), 200) == 1 &&
                         std::count(statuses.begin(), statuses.end(), 409) == 1;
    if (one_won && changes == 1) continue;
    ++both_applied;
    if (!example.empty()) continue;
    example = "answers " + std::to_string(statuses[0]) + ", " + std::to_string(statuses[1]) +
              "; now " + text(api.get(target, api.viewer).json().at("status")) + " after";
    const ApiResponse timeline = api.get(target + "/timeline", api.viewer);
    for (const json::value& entry : timeline.data()) {
      if (text(entry.at("kind")) == "status_changed") {
        example += " " + json::serialize(entry.at("payload"));
      }
    }
  }
  INFO(backend << ": " << both_applied << " of " << kIncidents << " pairs, e.g. " << example);
  CHECK(both_applied == 0);
}
