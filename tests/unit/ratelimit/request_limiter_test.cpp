#include "regend/ratelimit/request_limiter.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace regen::ratelimit {
namespace {

http::Request from(const std::string& address) {
  http::Request request;
  request.client_address = address;
  request.request_id = "req-1";
  return request;
}

std::string header(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST_CASE("request limiter: a source without its own keys takes the webhooks tier's") {
  config::RateLimitConfig config;
  config.webhooks_per_minute = 120;
  config.webhooks_burst = 7;
  config.grafana_burst = 3;
  LimitSettings settings = LimitSettings::from(config);
  CHECK(settings.for_source("generic").bucket.rate_per_second == 2);
  CHECK(settings.for_source("generic").bucket.burst == 7);
  CHECK(settings.for_source("grafana").bucket.burst == 3);
  CHECK(settings.for_source("grafana").bucket.rate_per_second == 2);
  CHECK(settings.for_source("prometheus").over_limit_status == 503);
  CHECK(settings.for_source("grafana").over_limit_status == 429);
  CHECK(settings.api.bucket.burst == 600);
}

TEST_CASE("request limiter: past the burst the answer is 429 with the rate-limit headers") {
  config::RateLimitConfig config;
  config.webhooks_per_minute = 6;  // a token every 10 s
  config.webhooks_burst = 2;
  metrics::Registry registry;
  RequestLimiter limiter(config, registry);
  const http::Request request = from("192.0.2.1");
  CHECK_FALSE(limiter.check_webhook("generic", request));
  CHECK_FALSE(limiter.check_webhook("generic", request));
  std::optional<http::Response> refused = limiter.check_webhook("generic", request);
  REQUIRE(refused);
  CHECK(refused->status == 429);
  const int retry_after = std::stoi(header(*refused, "Retry-After"));
  CHECK(retry_after >= 9);
  CHECK(retry_after <= 10);
  CHECK(header(*refused, "X-RateLimit-Limit") == "2");
  CHECK(header(*refused, "X-RateLimit-Remaining") == "0");
  CHECK(boost::json::parse(refused->body).at("error").at("code").as_string() == "rate_limited");
  // Another address, and the same address on another source, have their own buckets.
  CHECK_FALSE(limiter.check_webhook("generic", from("192.0.2.2")));
  CHECK_FALSE(limiter.check_webhook("grafana", request));
  CHECK(registry.render().find("regen_rate_limited_total{tier=\"webhooks\"} 1") !=
        std::string::npos);
}

TEST_CASE("request limiter: a source with over_limit_status 503 answers 503") {
  config::RateLimitConfig config;
  config.prometheus_burst = 1;
  metrics::Registry registry;
  RequestLimiter limiter(config, registry);
  CHECK_FALSE(limiter.check_webhook("prometheus", from("192.0.2.1")));
  std::optional<http::Response> refused = limiter.check_webhook("prometheus", from("192.0.2.1"));
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK_FALSE(header(*refused, "Retry-After").empty());
}

TEST_CASE("request limiter: exempt addresses and a disabled limiter never refuse") {
  config::RateLimitConfig config;
  config.webhooks_burst = 1;
  config.api_burst = 1;
  config.exempt = {net::Cidr::parse("10.0.0.0/8").value()};
  metrics::Registry registry;
  RequestLimiter limiter(config, registry);
  for (int i = 0; i < 10; ++i) {
    CHECK_FALSE(limiter.check_webhook("generic", from("10.1.2.3")));
    CHECK_FALSE(limiter.check_api("token abc", from("10.1.2.3")));
  }
  CHECK_FALSE(limiter.check_api("token abc", from("192.0.2.1")));
  CHECK(limiter.check_api("token abc", from("192.0.2.1")));
  config.enabled = false;
  limiter.apply(config);
  CHECK_FALSE(limiter.check_api("token abc", from("192.0.2.1")));
}

TEST_CASE("request limiter: a reload caps existing buckets at the new burst") {
  config::RateLimitConfig config;
  config.webhooks_burst = 5;
  metrics::Registry registry;
  RequestLimiter limiter(config, registry);
  CHECK_FALSE(limiter.check_webhook("generic", from("192.0.2.1")));  // 4 left
  config.webhooks_burst = 2;
  limiter.apply(config);
  CHECK_FALSE(limiter.check_webhook("generic", from("192.0.2.1")));
  CHECK_FALSE(limiter.check_webhook("generic", from("192.0.2.1")));
  CHECK(limiter.check_webhook("generic", from("192.0.2.1")));
}

}  // namespace
}  // namespace regen::ratelimit
