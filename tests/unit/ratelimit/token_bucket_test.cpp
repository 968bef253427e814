#include "regend/ratelimit/token_bucket.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace regen::ratelimit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Headers = std::vector<std::pair<std::string, std::string>>;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1);
constexpr BucketPolicy kWebhook{.rate_per_second = 5, .burst = 300};  // 300/min, burst 300

int take_all(RateLimiter& limiter, std::string_view key, const BucketPolicy& policy,
             Clock::time_point now, int attempts) {
  int allowed = 0;
  for (int i = 0; i < attempts; ++i) allowed += limiter.take(key, policy, now).allowed ? 1 : 0;
  return allowed;
}

TEST_CASE("ratelimit: a fresh bucket allows the burst, then refuses") {
  RateLimiter limiter;
  CHECK(take_all(limiter, "198.51.100.7", kWebhook, kStart, 300) == 300);
  const Decision refused = limiter.take("198.51.100.7", kWebhook, kStart);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.remaining == Approx(0));
  CHECK(refused.retry_after == milliseconds(200));
  CHECK(refused.reset == seconds(60));
  CHECK(limiter.take("198.51.100.8", kWebhook, kStart).allowed);
}

TEST_CASE("ratelimit: tokens refill at the policy's rate up to the burst") {
  RateLimiter limiter;
  const BucketPolicy policy{.rate_per_second = 2, .burst = 4};
  CHECK(take_all(limiter, "k", policy, kStart, 5) == 4);
  const Decision early = limiter.take("k", policy, kStart + milliseconds(499));
  CHECK_FALSE(early.allowed);
  CHECK(early.retry_after == milliseconds(1));
  CHECK(limiter.take("k", policy, kStart + milliseconds(500)).allowed);
  CHECK_FALSE(limiter.take("k", policy, kStart + milliseconds(500)).allowed);
  CHECK(take_all(limiter, "k", policy, kStart + seconds(60), 10) == 4);
}

TEST_CASE("ratelimit: an earlier time than the bucket's last update adds no tokens") {
  RateLimiter limiter;
  const BucketPolicy policy{.rate_per_second = 1, .burst = 1};
  CHECK(limiter.take("k", policy, kStart + seconds(10)).allowed);
  CHECK_FALSE(limiter.take("k", policy, kStart).allowed);
  CHECK_FALSE(limiter.take("k", policy, kStart + milliseconds(10'500)).allowed);
  CHECK(limiter.take("k", policy, kStart + seconds(11)).allowed);
}

TEST_CASE("ratelimit: Retry-After is the time until a token is free, computed from the rate") {
  RateLimiter limiter;
  const BucketPolicy per_minute{.rate_per_second = 1.0 / 60, .burst = 1};
  REQUIRE(limiter.take("a", per_minute, kStart).allowed);
  const Decision refused = limiter.take("a", per_minute, kStart + seconds(20));
  CHECK(refused.retry_after == seconds(40));
  CHECK(rate_limit_headers(refused, per_minute) == Headers{{"X-RateLimit-Limit", "1"},
                                                           {"X-RateLimit-Remaining", "0"},
                                                           {"X-RateLimit-Reset", "40"},
                                                           {"Retry-After", "40"}});

  const BucketPolicy slow{.rate_per_second = 0.4, .burst = 1};
  REQUIRE(limiter.take("b", slow, kStart).allowed);
  const Decision slow_refused = limiter.take("b", slow, kStart + milliseconds(100));
  CHECK(slow_refused.retry_after == milliseconds(2400));
  CHECK(rate_limit_headers(slow_refused, slow).back() ==
        std::pair<std::string, std::string>("Retry-After", "3"));
}

TEST_CASE("ratelimit: Retry-After is at least one second even when a token is nearly free") {
  RateLimiter limiter;
  CHECK(take_all(limiter, "c", kWebhook, kStart, 300) == 300);
  const Decision refused = limiter.take("c", kWebhook, kStart + milliseconds(150));
  CHECK(refused.retry_after == milliseconds(50));
  CHECK(rate_limit_headers(refused, kWebhook).back() ==
        std::pair<std::string, std::string>("Retry-After", "1"));
}

TEST_CASE("ratelimit: an allowed request's headers carry limit, remaining and reset only") {
  RateLimiter limiter;
  CHECK(rate_limit_headers(limiter.take("d", kWebhook, kStart), kWebhook) ==
        Headers{{"X-RateLimit-Limit", "300"},
                {"X-RateLimit-Remaining", "299"},
                {"X-RateLimit-Reset", "1"}});
  CHECK(take_all(limiter, "d", kWebhook, kStart, 149) == 149);
  CHECK(rate_limit_headers(limiter.take("d", kWebhook, kStart + milliseconds(100)), kWebhook) ==
        Headers{{"X-RateLimit-Limit", "300"},
                {"X-RateLimit-Remaining", "149"},
                {"X-RateLimit-Reset", "31"}});
}

TEST_CASE("ratelimit: a million distinct keys never hold more than the cap") {
  RateLimiter limiter(10'000);
  std::size_t largest = 0;
  int allowed = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    if (limiter.take("203.0.113." + std::to_string(i), kWebhook, kStart).allowed) ++allowed;
    if (i % 1000 == 0) largest = std::max(largest, limiter.size());
  }
  CHECK(allowed == 1'000'000);
  CHECK(largest <= 10'000);
  CHECK(limiter.size() == 10'000);
}

TEST_CASE("ratelimit: an active client's bucket survives a flood of new keys") {
  RateLimiter limiter(1000);
  const BucketPolicy policy{.rate_per_second = 1, .burst = 3};
  CHECK(take_all(limiter, "victim", policy, kStart, 3) == 3);
  int victim_allowed = 0;
  for (int i = 0; i < 100'000; ++i) {
    (void)limiter.take("flood-" + std::to_string(i), policy, kStart);
    if (i % 50 == 0 && limiter.take("victim", policy, kStart).allowed) ++victim_allowed;
  }
  CHECK(victim_allowed == 0);
  CHECK(limiter.size() <= 1000);
}

TEST_CASE("ratelimit: buckets that have refilled are dropped by expire()") {
  RateLimiter limiter(100, 1);
  const BucketPolicy policy{.rate_per_second = 1, .burst = 2};
  for (int i = 0; i < 10; ++i) REQUIRE(limiter.take(std::to_string(i), policy, kStart).allowed);
  CHECK(take_all(limiter, "busy", policy, kStart, 2) == 2);
  CHECK(limiter.size() == 11);
  CHECK(limiter.expire(kStart + milliseconds(999)) == 0);
  CHECK(limiter.expire(kStart + seconds(1)) == 10);
  CHECK(limiter.size() == 1);
  CHECK(limiter.expire(kStart + seconds(2)) == 1);
  CHECK(limiter.size() == 0);
}

TEST_CASE("ratelimit: a take drops its shard's idle buckets and a dropped key starts full") {
  RateLimiter limiter(100, 1);
  const BucketPolicy policy{.rate_per_second = 1, .burst = 2};
  for (int i = 0; i < 10; ++i) REQUIRE(limiter.take(std::to_string(i), policy, kStart).allowed);
  CHECK(limiter.size() == 10);
  const Decision later = limiter.take("0", policy, kStart + seconds(5));
  CHECK(limiter.size() == 1);
  CHECK(later.allowed);
  CHECK(later.remaining == Approx(1));
}

TEST_CASE("ratelimit: a reload to a smaller burst caps the stored tokens") {
  RateLimiter limiter;
  CHECK(limiter.take("k", {.rate_per_second = 1, .burst = 100}, kStart).remaining == Approx(99));
  CHECK(limiter.take("k", {.rate_per_second = 1, .burst = 10}, kStart).remaining == Approx(9));
}

TEST_CASE("ratelimit: a policy that cannot refill refuses every request and stores nothing") {
  RateLimiter limiter;
  const Decision refused = limiter.take("k", {.rate_per_second = 0, .burst = 10}, kStart);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == kMaxWait);
  CHECK_FALSE(limiter.take("k", {.rate_per_second = 1, .burst = 0.5}, kStart).allowed);
  CHECK(limiter.size() == 0);
}

TEST_CASE("ratelimit: concurrent takes never allow more than burst plus rate times elapsed") {
  RateLimiter limiter;
  const BucketPolicy policy{.rate_per_second = 1000, .burst = 50};
  constexpr int kThreads = 4;
  constexpr int kTakes = 50'000;
  constexpr std::int64_t kStepNs = 10'000;
  std::atomic<std::int64_t> clock_ns{0};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kTakes; ++i) {
        const Clock::time_point now =
            kStart + std::chrono::nanoseconds(clock_ns.fetch_add(kStepNs) + kStepNs);
        if (limiter.take("shared", policy, now).allowed) allowed.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double elapsed = static_cast<double>(clock_ns.load()) / 1e9;  // 2 s
  const double bound = policy.burst + policy.rate_per_second * elapsed;
  CHECK(allowed.load() <= bound);
  CHECK(allowed.load() >= bound - 2);
}

}  // namespace
}  // namespace regen::ratelimit
