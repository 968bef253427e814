#include "regend/http/response_head.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

namespace regen::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kServer = "regend/0.1.0";
constexpr std::string_view kRequestId = "9f86d081884c7d659a2feaa0c55ad015";

// What the session wrote before write_response_head: a Beast message, serialized by Beast.
std::string beast_bytes(const Response& response, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  message.set(bhttp::field::server, kServer);
  message.set(bhttp::field::content_type, response.content_type);
  message.set("X-Request-ID", kRequestId);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.body() = response.body;
  message.keep_alive(keep_alive);
  message.prepare_payload();
  std::ostringstream out;
  out << message;
  return out.str();
}

std::string our_bytes(const Response& response, unsigned version, bool keep_alive) {
  std::string head = "stale content is replaced";
  write_response_head(head, response, version, keep_alive, kServer, kRequestId);
  return head + response.body;
}

Response with(unsigned status, std::string body,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
  Response response = Response::json(status, std::move(body));
  response.headers = std::move(headers);
  return response;
}

}  // namespace

TEST_CASE("response head: a 200 is byte for byte what Beast wrote") {
  const Response response = with(200, R"({"status":"ok"})");
  CHECK(our_bytes(response, 11, true) == beast_bytes(response, 11, true));
  CHECK(our_bytes(response, 11, true) ==
        "HTTP/1.1 200 OK\r\nServer: regend/0.1.0\r\nContent-Type: application/json\r\n"
        "X-Request-ID: 9f86d081884c7d659a2feaa0c55ad015\r\nContent-Length: 15\r\n\r\n"
        R"({"status":"ok"})");
}

TEST_CASE("response head: Connection follows the version and keep-alive as Beast wrote it") {
  const Response response = with(404, "{}");
  for (unsigned version : {10u, 11u}) {
    for (bool keep_alive : {false, true}) {
      INFO("version " << version << " keep_alive " << keep_alive);
      CHECK(our_bytes(response, version, keep_alive) == beast_bytes(response, version, keep_alive));
    }
  }
  CHECK(our_bytes(response, 11, false).find("\r\nConnection: close\r\n") != std::string::npos);
  CHECK(our_bytes(response, 10, true).find("\r\nConnection: keep-alive\r\n") != std::string::npos);
}

TEST_CASE("response head: extra headers keep their order before Connection and Content-Length") {
  const Response response =
      with(503, "{}", {{"Retry-After", "5"}, {"X-RateLimit-Limit", "2"}, {"Allow", "GET, POST"}});
  CHECK(our_bytes(response, 11, false) == beast_bytes(response, 11, false));
}

TEST_CASE("response head: a repeated header name replaces the earlier field, as Beast's set") {
  const Response response =
      with(200, "{}", {{"Retry-After", "1"}, {"retry-after", "2"}, {"server", "other"}});
  CHECK(our_bytes(response, 11, true) == beast_bytes(response, 11, true));
  CHECK(our_bytes(response, 11, true).find("Retry-After: 1") == std::string::npos);
}

TEST_CASE("response head: every status the daemon sends has Beast's reason phrase") {
  for (unsigned status :
       {200u, 201u, 204u, 400u, 401u, 403u, 404u, 405u, 408u, 409u, 413u, 429u, 431u, 500u, 503u}) {
    INFO("status " << status);
    const Response response = with(status, status == 204 ? "" : "{}");
    CHECK(our_bytes(response, 11, true) == beast_bytes(response, 11, true));
  }
}

TEST_CASE("response head: the content type and an empty body are written as given") {
  Response response = with(200, "");
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  CHECK(our_bytes(response, 11, true) == beast_bytes(response, 11, true));
  CHECK(our_bytes(response, 11, true).ends_with("Content-Length: 0\r\n\r\n"));
}

}  // namespace regen::http
