// The HTTP contract of the foundation: health, the error shape, request ids, keep-alive.

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "tests/support/http_client.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using regen::test::HttpConnection;
using regen::test::RegendProcess;

namespace {

// Every error carries {"error":{"code","message","details","request_id"}}.
json::object check_error_shape(const regen::test::HttpResponse& response, const std::string& code) {
  CHECK(response.header("Content-Type") == "application/json");
  json::object body = json::parse(response.body).as_object();
  const json::object& error = body.at("error").as_object();
  CHECK(error.at("code").as_string() == code);
  CHECK_FALSE(error.at("message").as_string().empty());
  CHECK(error.at("details").is_object());
  CHECK(error.at("request_id").as_string() == response.header("X-Request-ID"));
  return error;
}

}  // namespace

TEST_CASE("http: GET /health answers 200 with status, version and uptime") {
  RegendProcess regend;
  auto response = regen::test::http_request(regend.port(), "GET", "/health");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->header("Content-Type") == "application/json");
  json::object body = json::parse(response->body).as_object();
  CHECK(body.at("status").as_string() == "ok");
  CHECK(body.at("version").as_string() == regend.status().at("version").as_string());
  CHECK(body.at("uptime_s").as_int64() >= 0);
}

TEST_CASE("http: an unknown path answers 404 in the error shape") {
  RegendProcess regend;
  auto response = regen::test::http_request(regend.port(), "GET", "/no/such/thing");
  REQUIRE(response);
  CHECK(response->status == 404);
  check_error_shape(*response, "not_found");
}

TEST_CASE("http: a wrong method answers 405 with an Allow header in the error shape") {
  RegendProcess regend;
  auto response = regen::test::http_request(regend.port(), "DELETE", "/health");
  REQUIRE(response);
  CHECK(response->status == 405);
  CHECK(response->header("Allow") == "GET");
  json::object error = check_error_shape(*response, "method_not_allowed");
  CHECK(error.at("details").as_object().at("allow").as_string() == "GET");
}

TEST_CASE("http: a caller's X-Request-ID is echoed, an unsafe one is replaced") {
  RegendProcess regend;
  auto echoed = regen::test::http_request(regend.port(), "GET", "/health", "",
                                          {{"X-Request-ID", "trace-42.abc"}});
  REQUIRE(echoed);
  CHECK(echoed->header("X-Request-ID") == "trace-42.abc");

  auto replaced = regen::test::http_request(regend.port(), "GET", "/nope", "",
                                            {{"X-Request-ID", std::string(200, 'x')}});
  REQUIRE(replaced);
  std::string generated = replaced->header("X-Request-ID");
  CHECK(generated.size() == 32);
  CHECK(json::parse(replaced->body).at("error").at("request_id").as_string() == generated);

  auto fresh = regen::test::http_request(regend.port(), "GET", "/health");
  REQUIRE(fresh);
  CHECK(fresh->header("X-Request-ID").size() == 32);
  CHECK(fresh->header("X-Request-ID") != generated);
}

TEST_CASE("http: keep-alive serves several requests on one connection") {
  RegendProcess regend;
  uint64_t accepted_before =
      regend.status().at("connections").at("accepted_total").to_number<uint64_t>();
  HttpConnection connection(regend.port());
  for (int i = 0; i < 5; ++i) {
    auto response = connection.request("GET", "/health");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->header("Connection") != "close");
  }
  // A request counts once its response is written, which the client may see first: wait.
  CHECK(regen::test::wait_until(
      [&] { return regend.status().at("requests").at("total").to_number<uint64_t>() >= 5; }));
  CHECK(regend.status().at("connections").at("accepted_total").to_number<uint64_t>() ==
        accepted_before + 1);
}

TEST_CASE("http: a client asking for Connection: close gets it and the socket closes") {
  RegendProcess regend;
  HttpConnection connection(regend.port());
  auto response = connection.request("GET", "/health", "", {{"Connection", "close"}});
  REQUIRE(response);
  CHECK(response->header("Connection") == "close");
  CHECK(connection.closed_by_peer());
}

TEST_CASE("http: a malformed request answers 400 in the error shape and closes") {
  RegendProcess regend;
  HttpConnection connection(regend.port());
  connection.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 400);
  check_error_shape(*response, "invalid_argument");
  CHECK(connection.closed_by_peer());
}

TEST_CASE("http: every request is written to the access log with its request id") {
  RegendProcess regend;
  auto response = regen::test::http_request(regend.port(), "GET", "/health", "",
                                            {{"X-Request-ID", "access-log-check"}});
  REQUIRE(response);
  REQUIRE(regend.log_contains("request_id=access-log-check"));
  std::string log = regend.log();
  std::string line = log.substr(log.rfind('\n', log.find("request_id=access-log-check")) + 1);
  line = line.substr(0, line.find('\n'));
  CHECK(line.find("access: method=GET route=/health path=/health status=200") != std::string::npos);
  CHECK(line.find("duration_ms=") != std::string::npos);
  CHECK(line.find("bytes_out=") != std::string::npos);
  CHECK(line.find("client=127.0.0.1 peer=127.0.0.1:") != std::string::npos);
}
