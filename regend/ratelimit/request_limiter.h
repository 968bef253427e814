#pragma once
// Rate limits as the HTTP routes apply them: the webhooks tier (a bucket per client address
// and source) and the API tier (a bucket per API token). Built once at start-up; settings are
// replaced on reload. GET /health, /ready and /metrics never reach a limiter.
//
// Threads: every method may be called from any thread. check() reads the settings through an
// atomic shared_ptr and takes one shard lock of the RateLimiter; nothing else is shared.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"
#include "common/config.h"
#include "common/metrics.h"
#include "regend/http/request.h"
#include "regend/ratelimit/token_bucket.h"

namespace regen::ratelimit {

enum class Tier { kWebhooks, kApi };

// The policy of one webhook source, or of the API.
struct TierPolicy {
  BucketPolicy bucket;
  unsigned over_limit_status = 429;  // 429, or 503 for senders that drop 4xx
};

// A snapshot of the rate_limit.* keys, resolved per source.
struct LimitSettings {
  bool enabled = true;
  std::vector<net::Cidr> exempt;
  TierPolicy api;
  TierPolicy webhooks;  // a source without its own keys
  std::vector<std::pair<std::string, TierPolicy>> sources;

  static LimitSettings from(const config::RateLimitConfig& config);
  const TierPolicy& for_source(std::string_view source) const;
};

class RequestLimiter {
 public:
  // `registry` must outlive the limiter: regen_rate_limited_total{tier} and
  // regen_rate_limit_buckets are registered in it.
  RequestLimiter(const config::RateLimitConfig& config, metrics::Registry& registry);

  // Replaces the settings (reload). Buckets are kept; their tokens are capped at a lower burst.
  void apply(const config::RateLimitConfig& config);

  // Takes a token for a webhook request to `source` from request.client_address. Returns the
  // response to send instead of handling the request (429 or the source's over_limit_status,
  // with Retry-After and X-RateLimit-*), or nullopt when the request may proceed.
  std::optional<http::Response> check_webhook(std::string_view source,
                                              const http::Request& request);
  // As above for an API request, keyed by `key` (the token's key id).
  std::optional<http::Response> check_api(std::string_view key, const http::Request& request);

  // Drops buckets that have refilled (call from a timer). Returns how many were dropped.
  std::size_t expire();
  std::size_t size() const { return limiter_.size(); }

 private:
  static bool exempt(const LimitSettings& settings, const http::Request& request);
  // REQUIRES: `policy` is kept alive by the caller (it lives in a settings snapshot).
  std::optional<http::Response> take(Tier tier, const TierPolicy& policy, std::string_view key,
                                     const http::Request& request);

  RateLimiter limiter_;
  std::atomic<std::shared_ptr<const LimitSettings>> settings_;
  metrics::Family<metrics::Counter>& limited_;
  metrics::Counter& limited_webhooks_;
  metrics::Counter& limited_api_;
};

}  // namespace regen::ratelimit
