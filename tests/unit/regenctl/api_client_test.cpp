#include "regenctl/api_client.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "common/version.h"
#include "regenctl/api_command.h"
#include "tests/unit/regenctl/fake_http_server.h"

namespace regen::ctl {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::json_reply;

HttpResponse response(int status, std::string body, std::string request_id_header = "") {
  HttpResponse result;
  result.status = status;
  result.body = std::move(body);
  if (!request_id_header.empty()) result.headers.emplace_back("x-request-id", request_id_header);
  return result;
}

std::string error_body(const char* code, const char* message, const char* details = "{}") {
  return std::string(R"({"error":{"code":")") + code + R"(","message":")" + message +
         R"(","details":)" + details + R"(,"request_id":"req-1"}})";
}

HttpEndpoint endpoint_for(const FakeHttpServer& server) {
  auto endpoint = parse_endpoint(server.url());
  REQUIRE(endpoint);
  return endpoint.value();
}

TEST_CASE("exit codes: HTTP statuses map to regenctl's codes") {
  CHECK(exit_code_for_http_status(401) == kExitPermissionDenied);
  CHECK(exit_code_for_http_status(403) == kExitPermissionDenied);
  CHECK(exit_code_for_http_status(404) == kExitNotFound);
  CHECK(exit_code_for_http_status(409) == kExitFailed);
  CHECK(exit_code_for_http_status(400) == kExitFailed);
  CHECK(exit_code_for_http_status(429) == kExitFailed);
  CHECK(exit_code_for_http_status(500) == kExitFailed);
  CHECK(exit_code_for_http_status(503) == kExitFailed);
  CHECK(kExitNotFound == 6);
}

TEST_CASE("exit codes: a batch reports its worst outcome") {
  CHECK(worse_exit_code(kExitOk, kExitNotFound) == kExitNotFound);
  CHECK(worse_exit_code(kExitNotFound, kExitFailed) == kExitFailed);
  CHECK(worse_exit_code(kExitFailed, kExitNotFound) == kExitFailed);
  CHECK(worse_exit_code(kExitFailed, kExitPermissionDenied) == kExitPermissionDenied);
  CHECK(worse_exit_code(kExitNotAnswering, kExitPermissionDenied) == kExitNotAnswering);
  CHECK(worse_exit_code(kExitOk, kExitOk) == kExitOk);
}

TEST_CASE("API failures: auth failures say what was refused, with the server's message") {
  const ApiFailure unauthorized =
      describe_http_failure(response(401, error_body("unauthorized", "unknown token")));
  CHECK(unauthorized.exit_code == 4);
  CHECK(unauthorized.message ==
        "token refused (401 unauthorized): unknown token (request_id req-1)");
  const ApiFailure forbidden =
      describe_http_failure(response(403, error_body("forbidden", "needs responder")));
  CHECK(forbidden.exit_code == 4);
  CHECK(forbidden.message == "token lacks the role (403): needs responder (request_id req-1)");
}

TEST_CASE("API failures: not found, server errors and rejections keep the server's words") {
  const ApiFailure missing =
      describe_http_failure(response(404, error_body("not_found", "no incident 14")));
  CHECK(missing.exit_code == 6);
  CHECK(missing.error_code == "not_found");
  CHECK(missing.message == "not found: no incident 14 (request_id req-1)");
  CHECK(describe_http_failure(response(503, error_body("unavailable", "store down"))).message ==
        "server error (503 unavailable): store down (request_id req-1)");
  CHECK(describe_http_failure(response(400, error_body("invalid_argument", "bad limit"))).message ==
        "rejected (400 invalid_argument): bad limit (request_id req-1)");
}

TEST_CASE("API failures: an invalid transition names the allowed ones") {
  const ApiFailure conflict = describe_http_failure(
      response(409, error_body("conflict", "cannot acknowledge a resolved incident",
                               R"({"from":"resolved","to":"acknowledged","allowed":[]})")));
  CHECK(conflict.exit_code == 1);
  CHECK(conflict.message ==
        "conflict (409): cannot acknowledge a resolved incident (request_id req-1)");
  const ApiFailure terse = describe_http_failure(
      response(409, error_body("conflict", "", R"({"from":"triggered","allowed":["a","b"]})")));
  CHECK(terse.message ==
        "conflict (409): cannot go from triggered; allowed: a, b (request_id req-1)");
}

TEST_CASE("API failures: a body that is not our error shape still gives a line") {
  const ApiFailure proxy = describe_http_failure(response(502, "<html>bad gateway</html>", "r9"));
  CHECK(proxy.exit_code == 1);
  CHECK(proxy.message == "server error (502) (request_id r9)");
  CHECK(describe_http_failure(response(404, "")).message == "not found");
}

TEST_CASE("API failures: no response at all is exit 5 naming the URL") {
  auto endpoint = parse_endpoint("http://127.0.0.1:9");
  REQUIRE(endpoint);
  const ApiFailure failure =
      describe_transport_failure(endpoint.value(), TransportError{"connection refused"});
  CHECK(failure.exit_code == 5);
  CHECK(failure.message == "regend at http://127.0.0.1:9 is not answering: connection refused");
}

TEST_CASE("query strings: values are percent-encoded and names repeat") {
  CHECK(with_query("/api/v1/incidents", {}) == "/api/v1/incidents");
  CHECK(
      with_query("/api/v1/incidents", {{"status", "triggered"},
                                       {"status", "acknowledged"},
                                       {"q", "disk full & c++/50%"},
                                       {"created_after", "2026-11-22T10:00:00.000Z"}}) ==
      "/api/v1/incidents?status=triggered&status=acknowledged&q=disk%20full%20%26%20c%2B%2B%2F50%25"
      "&created_after=2026-11-22T10%3A00%3A00.000Z");
}

TEST_CASE("incident numbers: digits, optionally after #") {
  CHECK(parse_incident_number("12") == "12");
  CHECK(parse_incident_number("#12") == "12");
  CHECK(parse_incident_number("007") == "7");
  CHECK(parse_incident_number("id:40") == "id:40");
  CHECK(incident_label("12") == "#12");
  CHECK(incident_label("id:40") == "id:40");
  for (const char* bad :
       {"", "#", "0", "-1", "1.5", "12a", "abc", "1234567890123456789", "id:", "id:x", "#id:4"}) {
    INFO(bad);
    CHECK_FALSE(parse_incident_number(bad));
  }
}

TEST_CASE("API client: sends the bearer token, JSON and its version, parses the reply") {
  FakeHttpServer server({json_reply(200, R"({"incident_number":12,"changed":["status"]})")});
  const ApiClient client(endpoint_for(server), "rgn_t", std::chrono::seconds(5));
  ApiResult result = client.send("PATCH", "/api/v1/incidents/12",
                                 boost::json::parse(R"({"status":"acknowledged"})"));
  REQUIRE(result);
  CHECK(result.data().at("incident_number").as_int64() == 12);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "PATCH");
  CHECK(requests[0].target == "/api/v1/incidents/12");
  CHECK(requests[0].headers.at("authorization") == "Bearer rgn_t");
  CHECK(requests[0].headers.at("content-type") == "application/json");
  CHECK(requests[0].headers.at("user-agent") == std::string("regenctl/") + kVersion);
  CHECK(requests[0].headers.at("connection") == "close");
  CHECK(boost::json::parse(requests[0].body) == boost::json::parse(R"({"status":"acknowledged"})"));
}

TEST_CASE("API client: an error status becomes a failure with the server's message") {
  FakeHttpServer server({json_reply(401, error_body("unauthorized", "revoked token"))});
  const ApiClient client(endpoint_for(server), "rgn_t", std::chrono::seconds(5));
  ApiResult result = client.get("/api/v1/incidents");
  REQUIRE_FALSE(result);
  CHECK(result.failure().exit_code == 4);
  CHECK(result.failure().http_status == 401);
  CHECK(result.failure().message ==
        "token refused (401 unauthorized): revoked token (request_id req-1)");
}

TEST_CASE("API client: a 2xx body that is not JSON is a malformed reply, exit 5") {
  FakeHttpServer server({json_reply(200, "<html>")});
  const ApiClient client(endpoint_for(server), "t", std::chrono::seconds(5));
  ApiResult result = client.get("/api/v1/incidents");
  REQUIRE_FALSE(result);
  CHECK(result.failure().exit_code == 5);
  CHECK_THAT(result.failure().message, Catch::Contains("malformed response"));
}

TEST_CASE("list paging: --all follows next_cursor and joins the pages") {
  FakeHttpServer server(
      {json_reply(200, R"({"data":[{"n":1},{"n":2}],"total":3,"limit":2,"next_cursor":"c1"})"),
       json_reply(200, R"({"data":[{"n":3}],"total":3,"limit":2,"next_cursor":null})")});
  const ApiClient client(endpoint_for(server), "t", std::chrono::seconds(5));
  ApiResult all = fetch_list(client, "/api/v1/incidents", {{"limit", "2"}}, true, "incidents");
  REQUIRE(all);
  CHECK(all.data().at("data").as_array().size() == 3);
  CHECK(all.data().at("next_cursor").is_null());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].target == "/api/v1/incidents?limit=2");
  CHECK(requests[1].target == "/api/v1/incidents?limit=2&cursor=c1");
}

TEST_CASE("list paging: without --all one page is fetched") {
  FakeHttpServer server({json_reply(200, R"({"data":[{"n":1}],"total":3,"next_cursor":"c1"})")});
  const ApiClient client(endpoint_for(server), "t", std::chrono::seconds(5));
  ApiResult page = fetch_list(client, "/api/v1/alerts", {}, false, "alerts");
  REQUIRE(page);
  CHECK(page.data().at("next_cursor") == "c1");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("list paging: a cursor that never changes does not loop forever") {
  FakeHttpServer server({json_reply(200, R"({"data":[{"n":1}],"next_cursor":"same"})")});
  const ApiClient client(endpoint_for(server), "t", std::chrono::seconds(5));
  ApiResult all = fetch_list(client, "/api/v1/alerts", {}, true, "alerts");
  REQUIRE(all);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("list paging: --all stops at 10000 rows however many the daemon has") {
  std::vector<CannedResponse> pages;
  for (int page = 0; page < 45; ++page) {
    std::string rows;
    for (int i = 0; i < kMaxPageSize; ++i) rows += (i == 0 ? "" : ",") + std::string("{}");
    pages.push_back(json_reply(
        200, R"({"data":[)" + rows + R"(],"next_cursor":"c)" + std::to_string(page) + R"("})"));
  }
  FakeHttpServer server(std::move(pages));
  const ApiClient client(endpoint_for(server), "t", std::chrono::seconds(5));
  ApiResult all = fetch_list(client, "/api/v1/incidents", {}, true, "incidents");
  REQUIRE(all);
  CHECK(all.data().at("data").as_array().size() == kMaxListRows);
  CHECK(server.requests().size() == kMaxListRows / kMaxPageSize);
  CHECK(all.data().at("next_cursor").is_string());
}

}  // namespace
}  // namespace regen::ctl
