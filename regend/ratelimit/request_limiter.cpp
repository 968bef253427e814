#include "regend/ratelimit/request_limiter.h"

#include <algorithm>

#include <boost/json/object.hpp>

#include "regend/http/error_response.h"

namespace regen::ratelimit {
namespace {

TierPolicy policy(unsigned per_minute, unsigned burst, const std::string& status = "429") {
  return TierPolicy{.bucket = {.rate_per_second = per_minute / 60.0, .burst = double(burst)},
                    .over_limit_status = status == "503" ? 503u : 429u};
}

// A source's own keys, falling back to the webhooks tier's where they are 0.
TierPolicy source_policy(const config::RateLimitConfig& config, unsigned per_minute, unsigned burst,
                         const std::string& status) {
  return policy(per_minute != 0 ? per_minute : config.webhooks_per_minute,
                burst != 0 ? burst : config.webhooks_burst, status);
}

std::string_view tier_name(Tier tier) { return tier == Tier::kApi ? "api" : "webhooks"; }

http::Response refusal(Tier tier, const TierPolicy& policy, const Decision& decision,
                       std::string_view request_id) {
  // 503 is for senders that retry only 5xx (Alertmanager); it uses the same headers.
  const ErrorCode code =
      policy.over_limit_status == 503 ? ErrorCode::kUnavailable : ErrorCode::kRateLimited;
  const auto retry_s =
      (std::max(decision.retry_after, std::chrono::milliseconds(1)).count() + 999) / 1000;
  http::Response response =
      http::error_response(code,
                           "rate limit exceeded for " + std::string(tier_name(tier)) +
                               "; retry in " + std::to_string(retry_s) + " s",
                           request_id,
                           boost::json::object{{"tier", tier_name(tier)},
                                               {"limit", policy.bucket.burst},
                                               {"per_minute", policy.bucket.rate_per_second * 60},
                                               {"retry_after_s", retry_s}});
  for (auto& header : rate_limit_headers(decision, policy.bucket)) {
    response.headers.push_back(std::move(header));
  }
  return response;
}

}  // namespace

LimitSettings LimitSettings::from(const config::RateLimitConfig& config) {
  LimitSettings settings;
  settings.enabled = config.enabled;
  settings.exempt = config.exempt;
  settings.api = policy(config.api_per_minute, config.api_burst);
  settings.webhooks = policy(config.webhooks_per_minute, config.webhooks_burst);
  settings.sources = {
      {"prometheus", source_policy(config, config.prometheus_per_minute, config.prometheus_burst,
                                   config.prometheus_over_limit_status)},
      {"grafana", source_policy(config, config.grafana_per_minute, config.grafana_burst,
                                config.grafana_over_limit_status)},
      {"cloudwatch", source_policy(config, config.cloudwatch_per_minute, config.cloudwatch_burst,
                                   config.cloudwatch_over_limit_status)},
      {"generic", source_policy(config, config.generic_per_minute, config.generic_burst,
                                config.generic_over_limit_status)},
  };
  return settings;
}

const TierPolicy& LimitSettings::for_source(std::string_view source) const {
  for (const auto& [name, policy] : sources) {
    if (name == source) return policy;
  }
  return webhooks;
}

RequestLimiter::RequestLimiter(const config::RateLimitConfig& config, metrics::Registry& registry)
    : limiter_(config.max_keys),
      settings_(std::make_shared<const LimitSettings>(LimitSettings::from(config))),
      limited_(registry.counter("regen_rate_limited_total",
                                "Requests refused by a rate limit, by tier.", {"tier"})),
      limited_webhooks_(limited_.with({"webhooks"})),
      limited_api_(limited_.with({"api"})) {}

void RequestLimiter::apply(const config::RateLimitConfig& config) {
  settings_.store(std::make_shared<const LimitSettings>(LimitSettings::from(config)));
}

std::optional<http::Response> RequestLimiter::check_webhook(std::string_view source,
                                                            const http::Request& request) {
  std::shared_ptr<const LimitSettings> settings = settings_.load();
  if (!settings->enabled) return std::nullopt;
  // One bucket per source and address: each source may have its own rate.
  if (exempt(*settings, request)) return std::nullopt;
  std::string key;
  key.reserve(source.size() + 1 + request.client_address.size());
  key.append(source).append(1, ' ').append(request.client_address);
  return take(Tier::kWebhooks, settings->for_source(source), key, request);
}

std::optional<http::Response> RequestLimiter::check_api(std::string_view key,
                                                        const http::Request& request) {
  std::shared_ptr<const LimitSettings> settings = settings_.load();
  if (!settings->enabled || exempt(*settings, request)) return std::nullopt;
  return take(Tier::kApi, settings->api, std::string("api ").append(key), request);
}

bool RequestLimiter::exempt(const LimitSettings& settings, const http::Request& request) {
  return std::any_of(settings.exempt.begin(), settings.exempt.end(), [&](const net::Cidr& block) {
    return block.contains(std::string_view(request.client_address));
  });
}

std::optional<http::Response> RequestLimiter::take(Tier tier, const TierPolicy& policy,
                                                   std::string_view key,
                                                   const http::Request& request) {
  Decision decision = limiter_.take(key, policy.bucket, Clock::now());
  if (decision.allowed) return std::nullopt;
  (tier == Tier::kApi ? limited_api_ : limited_webhooks_).inc();
  return refusal(tier, policy, decision, request.request_id);
}

std::size_t RequestLimiter::expire() { return limiter_.expire(Clock::now()); }

}  // namespace regen::ratelimit
