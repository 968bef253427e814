#include "regend/ratelimit/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <list>
#include <mutex>
#include <unordered_map>

namespace regen::ratelimit {
namespace {

struct Bucket {
  std::string key;
  double tokens = 0;
  Clock::time_point updated;
  Clock::time_point full_at;  // from then on the bucket equals a fresh one
};

// `seconds` as a duration rounded up, clamped to [0, kMaxWait].
Clock::duration round_up(double seconds) {
  if (!(seconds > 0)) return Clock::duration::zero();
  if (seconds >= std::chrono::duration<double>(kMaxWait).count()) return kMaxWait;
  return std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(seconds));
}

// As above in whole milliseconds. A nanosecond is forgiven so that floating-point noise does
// not add a millisecond to an exact wait (20 s into a 1/min bucket, (1 - 20.0 / 60) / (1.0 / 60)
// is 40.00000000000001).
std::chrono::milliseconds round_up_ms(double seconds) {
  return std::chrono::ceil<std::chrono::milliseconds>(round_up(seconds - 1e-9));
}

bool valid(const BucketPolicy& policy) {
  return std::isfinite(policy.rate_per_second) && policy.rate_per_second > 0 &&
         std::isfinite(policy.burst) && policy.burst >= 1;
}

// REQUIRES: valid(policy).
Decision take_token(Bucket& bucket, const BucketPolicy& policy, Clock::time_point now) {
  const double rate = policy.rate_per_second;
  // A thread that read the clock earlier may reach the lock later: its time was already
  // credited by whoever moved `updated` past it, so it adds nothing.
  if (now > bucket.updated) {
    bucket.tokens += std::chrono::duration<double>(now - bucket.updated).count() * rate;
    bucket.updated = now;
  }
  bucket.tokens = std::min(bucket.tokens, policy.burst);
  Decision decision;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    decision.allowed = true;
  } else {
    decision.retry_after =
        std::max(round_up_ms((1.0 - bucket.tokens) / rate), std::chrono::milliseconds(1));
  }
  decision.remaining = bucket.tokens;
  const double seconds_to_full = (policy.burst - bucket.tokens) / rate;
  decision.reset = round_up_ms(seconds_to_full);
  bucket.full_at = bucket.updated + round_up(seconds_to_full);
  return decision;
}

}  // namespace

struct RateLimiter::Shard {
  std::mutex mutex;
  std::size_t capacity = 0;
  std::list<Bucket> lru;  // most recently used first
  std::unordered_map<std::string_view, std::list<Bucket>::iterator> index;  // views lru's keys

  void erase(std::list<Bucket>::iterator bucket) {
    index.erase(bucket->key);
    lru.erase(bucket);
  }

  // Amortised O(1): each bucket is dropped at most once after being added once.
  void drop_full_tail(Clock::time_point now) {
    while (!lru.empty() && lru.back().full_at <= now) erase(std::prev(lru.end()));
  }

  Bucket& find_or_add(std::string_view key, const BucketPolicy& policy, Clock::time_point now) {
    auto found = index.find(key);
    if (found != index.end()) {
      lru.splice(lru.begin(), lru, found->second);
      return *found->second;
    }
    if (lru.size() >= capacity) erase(std::prev(lru.end()));
    lru.push_front(Bucket{std::string(key), policy.burst, now, now});
    index.emplace(lru.front().key, lru.begin());
    return lru.front();
  }
};

RateLimiter::RateLimiter(std::size_t max_keys, std::size_t shards) {
  max_keys = std::max<std::size_t>(max_keys, 1);
  const std::size_t count = std::clamp<std::size_t>(shards, 1, max_keys);
  for (std::size_t i = 0; i < count; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->capacity = max_keys / count + (i < max_keys % count ? 1 : 0);
    shards_.push_back(std::move(shard));
  }
}

RateLimiter::~RateLimiter() = default;

Decision RateLimiter::take(std::string_view key, const BucketPolicy& policy,
                           Clock::time_point now) {
  if (!valid(policy)) {
    Decision refused;
    refused.retry_after = kMaxWait;
    refused.reset = kMaxWait;
    return refused;
  }
  Shard& shard = *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  shard.drop_full_tail(now);
  return take_token(shard.find_or_add(key, policy, now), policy, now);
}

std::size_t RateLimiter::expire(Clock::time_point now) {
  std::size_t dropped = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    for (auto bucket = shard->lru.begin(); bucket != shard->lru.end();) {
      auto next = std::next(bucket);
      if (bucket->full_at <= now) {
        shard->erase(bucket);
        ++dropped;
      }
      bucket = next;
    }
  }
  return dropped;
}

std::size_t RateLimiter::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->lru.size();
  }
  return total;
}

std::vector<std::pair<std::string, std::string>> rate_limit_headers(const Decision& decision,
                                                                    const BucketPolicy& policy) {
  auto whole_seconds_up = [](std::chrono::milliseconds wait) {
    return std::to_string(std::chrono::ceil<std::chrono::seconds>(wait).count());
  };
  // Rounded down and clamped so that an absurd burst cannot overflow the conversion.
  auto whole_tokens = [](double tokens) {
    const double clamped = tokens > 0 ? std::min(tokens, 1e18) : 0.0;  // NaN too
    return std::to_string(static_cast<long long>(std::floor(clamped)));
  };
  std::vector<std::pair<std::string, std::string>> headers{
      {"X-RateLimit-Limit", whole_tokens(valid(policy) ? policy.burst : 0)},
      {"X-RateLimit-Remaining", whole_tokens(decision.remaining)},
      {"X-RateLimit-Reset", whole_seconds_up(decision.reset)},
  };
  if (!decision.allowed) {
    headers.emplace_back(
        "Retry-After",
        whole_seconds_up(std::max(decision.retry_after, std::chrono::milliseconds(1000))));
  }
  return headers;
}

}  // namespace regen::ratelimit
