// Limits answer clearly: 413, 431, 408, 503 past max_connections, and quiet idle closes.

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/support/http_client.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::HttpConnection;
using regen::test::RegendProcess;

namespace {

std::string error_code_of(const regen::test::HttpResponse& response) {
  return std::string(json::parse(response.body).at("error").at("code").as_string());
}

}  // namespace

TEST_CASE("limits: a declared body over max_body_bytes answers 413 before the body is sent") {
  RegendProcess regend;  // default limit: 1 MiB
  HttpConnection connection(regend.port());
  connection.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n");
  auto response = connection.read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 413);
  CHECK(error_code_of(*response) == "payload_too_large");
  CHECK(response->header("Connection") == "close");
}

TEST_CASE("limits: a chunked body growing past max_body_bytes answers 413") {
  RegendProcess regend({.config_toml = "[server]\nmax_body_bytes = 2048\n"});
  HttpConnection connection(regend.port());
  std::string chunk(1500, 'a');
  connection.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  connection.send_raw("5dc\r\n" + chunk + "\r\n5dc\r\n" + chunk + "\r\n");
  auto response = connection.read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 413);
  CHECK(error_code_of(*response) == "payload_too_large");
}

TEST_CASE("limits: a body within max_body_bytes is read and routed") {
  RegendProcess regend({.config_toml = "[server]\nmax_body_bytes = 2048\n"});
  auto response =
      regen::test::http_request(regend.port(), "POST", "/health", std::string(2048, 'a'));
  REQUIRE(response);
  CHECK(response->status == 405);  // read in full, then routed: /health takes only GET
}

TEST_CASE("limits: headers over max_header_bytes answer 431") {
  RegendProcess regend({.config_toml = "[server]\nmax_header_bytes = 2048\n"});
  HttpConnection connection(regend.port());
  auto response = connection.request("GET", "/health", "", {{"X-Padding", std::string(4096, 'p')}});
  REQUIRE(response);
  CHECK(response->status == 431);
  CHECK(error_code_of(*response) == "header_too_large");
}

TEST_CASE("limits: a client too slow to finish its headers gets 408 and is cut off") {
  RegendProcess regend({.config_toml = "[server]\nheader_timeout = \"300ms\"\n"});
  HttpConnection connection(regend.port());
  auto sent = std::chrono::steady_clock::now();
  connection.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n");  // never finishes
  auto response = connection.read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 408);
  CHECK(error_code_of(*response) == "request_timeout");
  CHECK(std::chrono::steady_clock::now() - sent >= 300ms);
  CHECK(connection.closed_by_peer());
}

TEST_CASE("limits: a client too slow to send its body gets 408") {
  RegendProcess regend({.config_toml = "[server]\nbody_timeout = \"300ms\"\n"});
  HttpConnection connection(regend.port());
  connection.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  auto response = connection.read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 408);
}

TEST_CASE("limits: an idle keep-alive connection is closed quietly after idle_timeout") {
  RegendProcess regend({.config_toml = "[server]\nidle_timeout = \"300ms\"\n"});
  HttpConnection connection(regend.port());
  auto response = connection.request("GET", "/health");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(connection.closed_by_peer(5s));  // no bytes: closed, not answered
  CHECK(regen::test::wait_until(
      [&] { return regend.status().at("connections").at("open").to_number<uint64_t>() == 0; }));
}

TEST_CASE("limits: past max_connections new connections get 503 in the error shape") {
  RegendProcess regend({.config_toml = "[server]\nmax_connections = 2\n"});
  HttpConnection first(regend.port());
  HttpConnection second(regend.port());
  REQUIRE(first.request("GET", "/health"));
  REQUIRE(second.request("GET", "/health"));
  HttpConnection third(regend.port());
  auto response = third.request("GET", "/health");
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->header("Retry-After") == "1");
  CHECK(error_code_of(*response) == "unavailable");
  CHECK(regend.status().at("connections").at("rejected_total").to_number<uint64_t>() == 1);
  // Capacity comes back when a connection closes.
  first.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(first.read_response());
  REQUIRE(regen::test::wait_until(
      [&] { return regend.status().at("connections").at("open").to_number<uint64_t>() == 1; }));
  auto after = regen::test::http_request(regend.port(), "GET", "/health");
  REQUIRE(after);
  CHECK(after->status == 200);
}

TEST_CASE("limits: Expect: 100-continue gets an interim 100 before the body is sent") {
  RegendProcess regend;
  HttpConnection connection(regend.port());
  connection.send_raw(
      "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = connection.read_response(5s);
  REQUIRE(interim);
  CHECK(interim->status == 100);
  connection.send_raw("body");
  auto response = connection.read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 405);
}
