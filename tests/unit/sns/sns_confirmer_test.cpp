#include "regend/ingest/sns_confirmer.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/sns/tls_test_server.h"

namespace regen::ingest {
namespace {

using namespace std::chrono_literals;
using testing::PemIdentity;
using testing::SilentListener;
using testing::TestCa;
using testing::TlsTestServer;

constexpr const char* kTopic = "arn:aws:sns:us-east-1:123456789012:regen-alerts";
constexpr const char* kQuery =
    "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:regen-alerts"
    "&Token=2336412f37fb687f5d51e6e2425c464de12884";

// One PKI for the whole run: a trusted CA, a server certificate it issued for the loopback
// address, and a CA the confirmer does not trust.
struct Pki {
  TestCa trusted;
  TestCa untrusted;
  PemIdentity loopback = trusted.issue("IP:127.0.0.1,DNS:localhost");
};

const Pki& pki() {
  static const Pki instance;
  return instance;
}

SnsConfirmerSettings loopback_settings(std::chrono::milliseconds timeout = 5000ms) {
  SnsConfirmerSettings settings;
  settings.allowed_host_pattern = R"(^127\.0\.0\.1$)";
  settings.ca_file = pki().trusted.ca_file();
  settings.timeout = timeout;
  return settings;
}

std::string loopback_url(unsigned short port) {
  return "https://127.0.0.1:" + std::to_string(port) + kQuery;
}

// Queues a confirmation and waits (with a deadline) for its outcome. The promise is shared
// with the callback so that a missed deadline cannot leave the confirmer writing to a dead one.
ConfirmationOutcome confirm_and_wait(SnsConfirmer& confirmer, const std::string& url) {
  auto promise = std::make_shared<std::promise<ConfirmationOutcome>>();
  auto outcome = promise->get_future();
  REQUIRE(confirmer.confirm({kTopic, url}, [promise](ConfirmationOutcome result) {
    promise->set_value(std::move(result));
  }));
  REQUIRE(outcome.wait_for(10s) == std::future_status::ready);
  return outcome.get();
}

TEST_CASE("sns confirmer: an http URL is refused") {
  const SnsConfirmer confirmer{SnsConfirmerSettings{}};
  const auto reason = confirmer.refuse_reason(
      "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc");
  REQUIRE(reason);
  CHECK_THAT(*reason, Catch::Contains("https"));
}

TEST_CASE("sns confirmer: a host outside the allowed pattern is refused, naming the host") {
  const SnsConfirmer confirmer{SnsConfirmerSettings{}};
  const auto evil = confirmer.refuse_reason("https://evil.example.com/?Action=ConfirmSubscription");
  REQUIRE(evil);
  CHECK_THAT(*evil, Catch::Contains("evil.example.com"));
  CHECK(confirmer.refuse_reason("https://sns.us-east-1.amazonaws.com.evil.com/"));
  CHECK(confirmer.refuse_reason("https://xsns.us-east-1.amazonaws.com/"));
  CHECK(confirmer.refuse_reason("https://sns.us-east-1.amazonaws.com@evil.com/"));
  CHECK(confirmer.refuse_reason("https://sns.us-east-1.amazonaws%2ecom/"));
  CHECK(confirmer.refuse_reason("https://[::1]/"));
}

TEST_CASE("sns confirmer: the default pattern accepts SNS hosts in the aws and aws-cn partitions") {
  const SnsConfirmer confirmer{SnsConfirmerSettings{}};
  CHECK_FALSE(confirmer.refuse_reason(std::string("https://sns.us-east-1.amazonaws.com") + kQuery));
  CHECK_FALSE(confirmer.refuse_reason("https://sns.cn-north-1.amazonaws.com.cn/?Action=x"));
  CHECK_FALSE(confirmer.refuse_reason("https://SNS.eu-west-1.AMAZONAWS.com:443/"));
}

TEST_CASE("sns confirmer: a malformed URL is refused") {
  const SnsConfirmer confirmer{SnsConfirmerSettings{}};
  CHECK(confirmer.refuse_reason(""));
  CHECK(confirmer.refuse_reason("not a url"));
  CHECK(confirmer.refuse_reason("https://sns.us-east-1.amazonaws.com/a b"));
  CHECK(confirmer.refuse_reason("https:///path-without-host"));
  CHECK(confirmer.refuse_reason("https://sns.us-east-1.amazonaws.com:99999/"));
  CHECK(confirmer.refuse_reason("https://sns.us-east-1.amazonaws.com:0/"));
}

TEST_CASE("sns confirmer: a bad host pattern or CA file is a start-up error") {
  SnsConfirmerSettings bad_pattern;
  bad_pattern.allowed_host_pattern = "^sns\\.(";
  CHECK_THROWS_AS(SnsConfirmer{bad_pattern}, std::invalid_argument);
  SnsConfirmerSettings bad_ca;
  bad_ca.ca_file = "/nonexistent/regen-ca.pem";
  CHECK_THROWS_AS(SnsConfirmer{bad_ca}, std::invalid_argument);
}

TEST_CASE("sns confirmer: a 200 answer confirms the subscription with the exact path and query") {
  TlsTestServer server(pki().loopback, 200);
  SnsConfirmer confirmer(loopback_settings());
  confirmer.start();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(server.port()));
  CHECK(outcome.confirmed);
  CHECK(outcome.http_status == 200);
  CHECK(outcome.error.empty());
  CHECK(server.targets() == std::vector<std::string>{kQuery});
  CHECK(server.server_names() == std::vector<std::string>{""});  // no SNI for an IP literal
}

TEST_CASE("sns confirmer: a host name is sent as SNI and verified against the certificate") {
  TlsTestServer server(pki().loopback, 200);
  SnsConfirmerSettings settings = loopback_settings();
  settings.allowed_host_pattern = "^localhost$";
  SnsConfirmer confirmer(settings);
  confirmer.start();
  const std::string url = "https://localhost:" + std::to_string(server.port()) + kQuery;
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, url);
  CHECK(outcome.confirmed);
  CHECK(server.server_names() == std::vector<std::string>{"localhost"});
}

TEST_CASE("sns confirmer: a 403 answer is not a confirmation and reports the status") {
  TlsTestServer server(pki().loopback, 403);
  SnsConfirmer confirmer(loopback_settings());
  confirmer.start();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(server.port()));
  CHECK_FALSE(outcome.confirmed);
  CHECK(outcome.http_status == 403);
}

TEST_CASE("sns confirmer: a redirect is not followed") {
  TlsTestServer server(pki().loopback, 302);
  SnsConfirmer confirmer(loopback_settings());
  confirmer.start();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(server.port()));
  CHECK_FALSE(outcome.confirmed);
  CHECK(outcome.http_status == 302);
  CHECK(server.targets().size() == 1);
}

TEST_CASE("sns confirmer: a response body over 64 KiB is not read to its end") {
  TlsTestServer server(pki().loopback, 200, SnsConfirmer::kMaxResponseBody + 1);
  SnsConfirmer confirmer(loopback_settings());
  confirmer.start();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(server.port()));
  CHECK_FALSE(outcome.confirmed);
  CHECK_THAT(outcome.error, Catch::Contains("read response"));
}

TEST_CASE("sns confirmer: a certificate from an untrusted CA fails verification") {
  TlsTestServer server(pki().untrusted.issue("IP:127.0.0.1,DNS:localhost"), 200);
  SnsConfirmer confirmer(loopback_settings());
  confirmer.start();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(server.port()));
  CHECK_FALSE(outcome.confirmed);
  CHECK(outcome.http_status == 0);
  CHECK_THAT(outcome.error, Catch::Contains("TLS handshake") &&
                                Catch::Contains("unable to get local issuer certificate"));
  CHECK(server.targets().empty());
}

TEST_CASE("sns confirmer: a trusted certificate for another host name fails verification") {
  TlsTestServer server(pki().trusted.issue("DNS:sns.us-east-1.amazonaws.com"), 200);
  SnsConfirmer confirmer(loopback_settings());
  confirmer.start();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(server.port()));
  CHECK_FALSE(outcome.confirmed);
  CHECK_THAT(outcome.error, Catch::Contains("TLS handshake") && Catch::Contains("mismatch"));
  CHECK(server.targets().empty());
}

TEST_CASE("sns confirmer: a server that never answers times out within the configured timeout") {
  SilentListener silent;
  SnsConfirmer confirmer(loopback_settings(300ms));
  confirmer.start();
  const auto started = std::chrono::steady_clock::now();
  const ConfirmationOutcome outcome = confirm_and_wait(confirmer, loopback_url(silent.port()));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK_FALSE(outcome.confirmed);
  CHECK_THAT(outcome.error, Catch::Contains("timed out"));
  CHECK(elapsed >= 300ms);
  CHECK(elapsed < 3s);
}

TEST_CASE("sns confirmer: destruction abandons an in-flight confirmation without waiting for it") {
  SilentListener silent;
  auto calls = std::make_shared<std::atomic<int>>(0);
  const auto started = std::chrono::steady_clock::now();
  {
    SnsConfirmer confirmer(loopback_settings(10000ms));
    confirmer.start();
    REQUIRE(confirmer.confirm({kTopic, loopback_url(silent.port())},
                              [calls](const ConfirmationOutcome&) { ++*calls; }));
  }
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(*calls == 0);
}

TEST_CASE("sns confirmer: confirmations past the queue bound are refused") {
  SnsConfirmer confirmer(loopback_settings());  // not started: nothing leaves the queue
  auto calls = std::make_shared<std::atomic<int>>(0);
  const auto count = [calls](const ConfirmationOutcome&) { ++*calls; };
  const std::string url = loopback_url(9);
  for (std::size_t i = 0; i < SnsConfirmer::kMaxPendingConfirmations; ++i) {
    CHECK(confirmer.confirm({kTopic, url}, count));
  }
  CHECK_FALSE(confirmer.confirm({kTopic, url}, count));
  CHECK_FALSE(confirmer.confirm({kTopic, "https://evil.example.com/"}, count));
  CHECK(*calls == 0);
}

}  // namespace
}  // namespace regen::ingest
