// Per-source webhook tokens and trusted proxies through the real binary: what a sender without
// the token gets (401, a challenge, nothing stored), both ways of presenting it, --check-config
// keeping tokens out of its output, and the access log believing X-Forwarded-For only from a
// trusted peer.

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/regend_process.h"

namespace json = boost::json;
using regen::test::RegendProcess;

namespace {

constexpr const char* kToken = "pr0m-t0ken";
// base64("alertmanager:pr0m-t0ken") and base64("alertmanager:wrong").
constexpr const char* kBasicRight = "Basic YWxlcnRtYW5hZ2VyOnByMG0tdDBrZW4=";
constexpr const char* kBasicWrong = "Basic YWxlcnRtYW5hZ2VyOndyb25n";

// tests/data/grafana/signed.json is signed with this secret (see grafana_provider_test.cpp).
constexpr const char* kGrafanaSecret = "grafana-webhook-secret";
constexpr const char* kGrafanaSignature =
    "b17ba89e674ffd69b99f2b52b00d6f32da27d091d2a42e669a487df579d871dc";

std::string fixture(const std::string& name) {
  return regen::test::read_file(REGEN_SOURCE_DIR "/tests/data/" + name);
}

int64_t count_alerts(const RegendProcess& regend) {
  SQLite::Database db(regend.dir().file("var/regen.db"), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COUNT(*) FROM alerts").getInt64();
}

regen::test::HttpResponse post(const RegendProcess& regend, const std::string& source,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers = {}) {
  auto response =
      regen::test::http_request(regend.port(), "POST", "/api/v1/webhooks/" + source, body, headers);
  REQUIRE(response);
  return *response;
}

void check_unauthorized(const regen::test::HttpResponse& response) {
  INFO(response.body);
  CHECK(response.status == 401);
  CHECK(response.header("www-authenticate").starts_with(R"(Bearer realm="regen")"));
  CHECK(response.header("www-authenticate").find(R"(Basic realm="regen")") != std::string::npos);
  const json::object error = json::parse(response.body).at("error").as_object();
  CHECK(error.at("code").as_string() == "unauthorized");
  CHECK(!error.at("request_id").as_string().empty());
}

RegendProcess regend_with_prometheus_token() {
  return RegendProcess({.env = {{"REGEN_WEBHOOKS_PROMETHEUS_TOKEN", kToken}}});
}

// The access-log line of the request sent with X-Request-ID `request_id`.
std::string access_line(const RegendProcess& regend, const std::string& request_id) {
  REQUIRE(regend.log_contains("request_id=" + request_id));
  const std::string log = regend.log();
  const std::size_t at = log.find("request_id=" + request_id);
  const std::size_t start = log.rfind('\n', at) + 1;
  return log.substr(start, log.find('\n', at) - start);
}

}  // namespace

TEST_CASE("webhook tokens: a request without the source's token is 401 and stores nothing") {
  RegendProcess regend = regend_with_prometheus_token();
  const std::string body = fixture("prometheus/multi_alert.json");
  check_unauthorized(post(regend, "prometheus", body));
  check_unauthorized(post(regend, "prometheus", body, {{"Authorization", "Bearer wrong"}}));
  check_unauthorized(post(regend, "prometheus", body, {{"Authorization", kBasicWrong}}));
  check_unauthorized(post(regend, "prometheus", body, {{"Authorization", "Basic %%%"}}));
  check_unauthorized(post(regend, "prometheus", body, {{"Authorization", kToken}}));
  CHECK(count_alerts(regend) == 0);
  CHECK(regend.log_contains("webhook prometheus refused: invalid webhook token"));
  CHECK(regend.log().find("wrong") == std::string::npos);
}

TEST_CASE("webhook tokens: the token is checked before the body is parsed") {
  RegendProcess regend = regend_with_prometheus_token();
  check_unauthorized(post(regend, "prometheus", "{not json"));
  CHECK(
      post(regend, "prometheus", "{not json", {{"Authorization", "Bearer " + std::string(kToken)}})
          .status == 400);
}

TEST_CASE("webhook tokens: the token is accepted as Bearer and as the Basic password") {
  RegendProcess regend = regend_with_prometheus_token();
  const std::string body = fixture("prometheus/multi_alert.json");
  auto bearer =
      post(regend, "prometheus", body, {{"Authorization", "Bearer " + std::string(kToken)}});
  INFO(bearer.body);
  CHECK(bearer.status == 200);
  CHECK(count_alerts(regend) == 3);
  auto basic = post(regend, "prometheus", fixture("prometheus/firing_single.json"),
                    {{"Authorization", kBasicRight}});
  INFO(basic.body);
  CHECK(basic.status == 200);
  CHECK(count_alerts(regend) > 3);
}

TEST_CASE("webhook tokens: a source without a token still accepts unauthenticated requests") {
  RegendProcess regend = regend_with_prometheus_token();
  auto response = post(regend, "generic", fixture("generic/single.json"));
  INFO(response.body);
  CHECK(response.status == 200);
  CHECK(count_alerts(regend) == 1);
}

TEST_CASE("webhook tokens: the HMAC signature is still required alongside the token") {
  RegendProcess regend({.config_toml = "[webhooks]\ngrafana_hmac_secret = \"" +
                                       std::string(kGrafanaSecret) + "\"\n" +
                                       "grafana_token = \"graf-token\"\n"});
  const std::string body = fixture("grafana/signed.json");
  const std::pair<std::string, std::string> token = {"Authorization", "Bearer graf-token"};
  const std::pair<std::string, std::string> signature = {"X-Grafana-Alerting-Signature",
                                                         kGrafanaSignature};
  check_unauthorized(post(regend, "grafana", body, {signature}));
  auto unsigned_request = post(regend, "grafana", body, {token});
  CHECK(unsigned_request.status == 401);
  CHECK(unsigned_request.header("www-authenticate").empty());
  CHECK(count_alerts(regend) == 0);
  auto both = post(regend, "grafana", body, {token, signature});
  INFO(both.body);
  CHECK(both.status == 200);
  CHECK(count_alerts(regend) == 1);
}

TEST_CASE("webhook tokens: --check-config prints tokens redacted and proxies as a TOML array") {
  regen::test::TempDir dir;
  dir.write("regend.toml",
            "[server]\ntrusted_proxies = [\"10.0.0.1/8\", \"::1\"]\n"
            "[webhooks]\ngrafana_token = \"do-not-print\"\n");
  auto result = regen::test::run_command(
      {REGEND_BINARY, "--check-config", "--config", dir.file("regend.toml")},
      {{"REGEN_WEBHOOKS_CLOUDWATCH_TOKEN", "nor-this"}});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("do-not-print") == std::string::npos);
  CHECK(result.output.find("nor-this") == std::string::npos);
  CHECK(result.output.find("webhooks.grafana_token = \"<redacted>\"") != std::string::npos);
  CHECK(result.output.find("webhooks.cloudwatch_token = \"<redacted>\"") != std::string::npos);
  CHECK(result.output.find("webhooks.prometheus_token = \"\"") != std::string::npos);
  CHECK(result.output.find(R"(server.trusted_proxies = ["10.0.0.0/8", "::1/128"])") !=
        std::string::npos);
}

TEST_CASE("webhook tokens: a bad trusted proxy entry stops start-up with exit 78") {
  auto result =
      regen::test::run_command({REGEND_BINARY, "--check-config"},
                               {{"REGEN_SERVER_TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.0/33"}});
  INFO(result.output);
  CHECK(result.exit_code == 78);
  CHECK(result.output.find("server.trusted_proxies: entry \"10.0.0.0/33\"") != std::string::npos);
}

TEST_CASE("trusted proxies: the access log shows the forwarded client only from a trusted peer") {
  const std::map<std::string, std::string> spoofed = {{"X-Forwarded-For", "6.6.6.6, 198.51.100.7"}};

  RegendProcess trusting({.env = {{"REGEN_SERVER_TRUSTED_PROXIES", "127.0.0.1/32"}}});
  auto headers = spoofed;
  headers["X-Request-ID"] = "xff-trusted";
  REQUIRE(regen::test::http_request(trusting.port(), "GET", "/health", "", headers));
  const std::string trusted_line = access_line(trusting, "xff-trusted");
  INFO(trusted_line);
  CHECK(trusted_line.find(" client=198.51.100.7 peer=127.0.0.1:") != std::string::npos);

  RegendProcess untrusting;
  headers["X-Request-ID"] = "xff-untrusted";
  REQUIRE(regen::test::http_request(untrusting.port(), "GET", "/health", "", headers));
  const std::string untrusted_line = access_line(untrusting, "xff-untrusted");
  INFO(untrusted_line);
  CHECK(untrusted_line.find(" client=127.0.0.1") != std::string::npos);
  CHECK(untrusted_line.find("198.51.100.7") == std::string::npos);
  CHECK(untrusted_line.find("6.6.6.6") == std::string::npos);
}

TEST_CASE("trusted proxies: X-Forwarded-For sent as several header lines is read as one list") {
  // A proxy that adds its own line (rather than appending) leaves the client's forged line
  // first; the client is the rightmost untrusted address over all lines.
  RegendProcess regend({.env = {{"REGEN_SERVER_TRUSTED_PROXIES", "127.0.0.1/32"}}});
  regen::test::HttpConnection connection(regend.port());
  connection.send_raw(
      "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: xff-lines\r\n"
      "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  const std::string line = access_line(regend, "xff-lines");
  INFO(line);
  CHECK(line.find(" client=198.51.100.7 peer=") != std::string::npos);
}
