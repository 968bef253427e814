#include "regenctl/http_client.h"

#include <catch2/catch.hpp>

#include "tests/unit/regenctl/fake_http_server.h"

namespace regen::ctl {
namespace {

using namespace std::chrono_literals;
using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::json_reply;

HttpEndpoint endpoint(const std::string& url) {
  auto parsed = parse_endpoint(url);
  REQUIRE(parsed);
  return parsed.value();
}

HttpRequest get(const std::string& target) {
  HttpRequest request;
  request.target = target;
  return request;
}

CannedResponse action(CannedResponse::Action what, std::string raw = "") {
  CannedResponse response;
  response.action = what;
  response.raw = std::move(raw);
  return response;
}

TEST_CASE("URLs: host, port and path prefix, http assumed without a scheme") {
  const HttpEndpoint plain = endpoint("http://127.0.0.1:8080");
  CHECK(plain.host == "127.0.0.1");
  CHECK(plain.port == 8080);
  CHECK(plain.base_path.empty());
  CHECK(plain.url == "http://127.0.0.1:8080");
  const HttpEndpoint prefixed = endpoint("HTTP://regend.internal/regen/");
  CHECK(prefixed.host == "regend.internal");
  CHECK(prefixed.port == 80);
  CHECK(prefixed.base_path == "/regen");
  const HttpEndpoint v6 = endpoint("http://[::1]:9000");
  CHECK(v6.host == "::1");
  CHECK(v6.url == "http://[::1]:9000");
  CHECK(endpoint("localhost:8080").url == "http://localhost:8080");
}

TEST_CASE("URLs: https and nonsense are refused with a reason") {
  auto https = parse_endpoint("https://regend:8443");
  REQUIRE_FALSE(https);
  CHECK_THAT(https.error().message, Catch::Contains("https is not supported"));
  for (const char* bad : {"ftp://x", "http://", "http://x:99999", "http://x:0", "http://u:p@x",
                          "http://x/?q=1", "http://x/#f", "http://x:port"}) {
    INFO(bad);
    CHECK_FALSE(parse_endpoint(bad));
  }
}

TEST_CASE("responses: status, lower-cased headers and a Content-Length body") {
  bool complete = false;
  const std::string raw =
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-Request-Id: abc\r\n\r\n{}extra";
  HttpResult result = parse_response(raw, false, &complete);
  REQUIRE(result);
  CHECK(complete);
  CHECK(result.response().status == 201);
  CHECK(result.response().header("x-request-id") == "abc");
  CHECK(result.response().body == "{}");
}

TEST_CASE("responses: incomplete until the headers end and the body arrives") {
  bool complete = true;
  CHECK_FALSE(parse_response("HTTP/1.1 200 OK\r\nContent-Le", false, &complete).ok());
  CHECK_FALSE(complete);
  CHECK_FALSE(
      parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", false, &complete).ok());
  CHECK_FALSE(complete);
  HttpResult cut =
      parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", true, &complete);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().detail == "connection closed in the middle of the response body");
}

TEST_CASE("responses: without Content-Length the body runs to the end of the stream") {
  bool complete = false;
  CHECK_FALSE(parse_response("HTTP/1.0 200 OK\r\n\r\nabc", false, &complete).ok());
  HttpResult result = parse_response("HTTP/1.0 200 OK\r\n\r\nabc", true, &complete);
  REQUIRE(result);
  CHECK(result.response().body == "abc");
  HttpResult empty = parse_response("HTTP/1.1 204 No Content\r\n\r\n", false, &complete);
  REQUIRE(empty);
  CHECK(complete);
}

TEST_CASE("responses: what is not HTTP is malformed") {
  bool complete = false;
  for (const char* bad :
       {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    INFO(bad);
    HttpResult result = parse_response(bad, false, &complete);
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().detail, Catch::StartsWith("malformed response"));
  }
  HttpResult nothing = parse_response("", true, &complete);
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().detail == "connection closed without a response");
}

TEST_CASE("http client: a request and its response over a real connection") {
  FakeHttpServer server({json_reply(200, R"({"ok":true})", "X-Request-Id: r1\r\n")});
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/v1/incidents";
  request.headers = {{"Authorization", "Bearer t"}};
  request.body = R"({"title":"x"})";
  HttpResult result = http_exchange(endpoint(server.url()), request, 5s);
  REQUIRE(result);
  CHECK(result.response().status == 200);
  CHECK(result.response().body == R"({"ok":true})");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/api/v1/incidents");
  CHECK(requests[0].headers.at("host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(requests[0].headers.at("content-length") == "13");
  CHECK(requests[0].body == R"({"title":"x"})");
}

TEST_CASE("http client: a path prefix in the URL goes before every target") {
  FakeHttpServer server({json_reply(200, "{}")});
  HttpResult result = http_exchange(endpoint(server.url() + "/regen/"), get("/api/v1/alerts"), 5s);
  REQUIRE(result);
  CHECK(server.requests().at(0).target == "/regen/api/v1/alerts");
}

TEST_CASE("http client: Content-Length ends the response without waiting for close") {
  CannedResponse reply = json_reply(200, "{}");
  reply.action = CannedResponse::Action::kReplyKeepOpen;
  FakeHttpServer server({reply});
  const auto started = std::chrono::steady_clock::now();
  HttpResult result = http_exchange(endpoint(server.url()), get("/"), 10s);
  REQUIRE(result);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("http client: a server that never answers times out") {
  FakeHttpServer server({action(CannedResponse::Action::kNeverReply)});
  HttpResult result = http_exchange(endpoint(server.url()), get("/"), 200ms);
  REQUIRE_FALSE(result);
  CHECK(result.error().detail == "no response within 200ms");
}

TEST_CASE("http client: nothing listening is connection refused") {
  HttpResult result = http_exchange(
      endpoint("http://127.0.0.1:" + std::to_string(testing::unused_port())), get("/"), 5s);
  REQUIRE_FALSE(result);
  CHECK(result.error().detail == "connection refused");
}

TEST_CASE("http client: a server that closes without answering") {
  FakeHttpServer server({action(CannedResponse::Action::kCloseWithoutReply)});
  HttpResult result = http_exchange(endpoint(server.url()), get("/"), 5s);
  REQUIRE_FALSE(result);
  CHECK(result.error().detail == "connection closed without a response");
}

TEST_CASE("http client: a name that does not resolve says so") {
  HttpResult result = http_exchange(endpoint("http://no-such-host.invalid:1"), get("/"), 5s);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().detail,
             Catch::StartsWith("cannot resolve host 'no-such-host.invalid'"));
}

TEST_CASE("http client: garbage instead of HTTP is a malformed response") {
  FakeHttpServer server({action(CannedResponse::Action::kReply, "SSH-2.0-OpenSSH\r\n\r\n")});
  HttpResult result = http_exchange(endpoint(server.url()), get("/"), 5s);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().detail, Catch::StartsWith("malformed response"));
}

}  // namespace
}  // namespace regen::ctl
