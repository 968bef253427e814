#pragma once
// Token-bucket rate limiting keyed by a string (a client address, an API token id).
//
// A bucket holds up to `burst` tokens and gains `rate_per_second` tokens per second; a request
// takes one token or is refused. Time is passed in, so tests advance a simulated clock.
//
// Memory is bounded by `max_keys`, split evenly across shards. Two rules keep it there:
//  - A bucket that has refilled to `burst` is indistinguishable from one never created, so it
//    is dropped: lazily (each take() drops the least recently used buckets of its shard while
//    they are full) and by expire(), which sweeps every shard (call it from a timer).
//  - A new key arriving at a full shard evicts that shard's least recently used bucket. When
//    that bucket was not full, its key starts over with a full bucket: eviction can only ever
//    grant more, never refuse a request that would have been allowed. Under a flood of new
//    addresses the buckets of recently active clients survive, since the least recently used
//    bucket is the one that goes.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regen::ratelimit {

using Clock = std::chrono::steady_clock;

// 300 requests a minute with a burst of 300: {.rate_per_second = 5, .burst = 300}.
// REQUIRES: rate_per_second > 0 and burst >= 1 (the configuration checks); anything else
// refuses every request with the longest wait (kMaxWait).
struct BucketPolicy {
  double rate_per_second = 0;
  double burst = 0;
};

// The longest retry_after or reset reported.
inline constexpr std::chrono::milliseconds kMaxWait = std::chrono::hours(24);

struct Decision {
  bool allowed = false;
  // Tokens left after this request (fractional: the bucket refills continuously).
  double remaining = 0;
  // Time until one token is free, rounded up; 0 when allowed.
  std::chrono::milliseconds retry_after{0};
  // Time until the bucket is full again, rounded up.
  std::chrono::milliseconds reset{0};
};

// Thread-safe: take(), expire() and size() may be called from any thread; each locks one
// shard at a time (a mutex per shard, chosen by the key's hash).
class RateLimiter {
 public:
  static constexpr std::size_t kDefaultMaxKeys = 100'000;
  static constexpr std::size_t kDefaultShards = 16;

  // REQUIRES: max_keys >= 1. Uses at most min(shards, max_keys) shards (at least 1).
  explicit RateLimiter(std::size_t max_keys = kDefaultMaxKeys, std::size_t shards = kDefaultShards);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token from `key`'s bucket (created full on first use). A `now` earlier than the
  // bucket's last update (threads racing to the lock) adds no tokens. The policy may differ
  // between calls for one key (a reload): the stored tokens are capped at the new burst.
  [[nodiscard]] Decision take(std::string_view key, const BucketPolicy& policy,
                              Clock::time_point now);

  // Drops every bucket that is full at `now`. Returns how many were dropped.
  std::size_t expire(Clock::time_point now);

  // Buckets held; never more than max_keys.
  std::size_t size() const;

 private:
  struct Shard;
  std::vector<std::unique_ptr<Shard>> shards_;
};

// Response headers for a decision: X-RateLimit-Limit (the burst, an integer),
// X-RateLimit-Remaining (tokens left, rounded down), X-RateLimit-Reset (seconds until full,
// rounded up) and, when refused, Retry-After (seconds until a token is free, rounded up, at
// least 1).
std::vector<std::pair<std::string, std::string>> rate_limit_headers(const Decision& decision,
                                                                    const BucketPolicy& policy);

}  // namespace regen::ratelimit
