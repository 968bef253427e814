#pragma once
// Bearer-token authentication for the API. Tokens live in the store (hashed); a short-lived
// in-memory cache keeps the store off the hot path, and last_used_at is written at most once a
// minute per token. A revocation through this instance's admin socket takes effect at once
// (forget_all); another instance sharing the store notices within the cache TTL.
//
// Threads: authenticate() blocks on the store (store executor threads only); forget_all() from
// any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "regend/domain/api_token.h"
#include "regend/storage/store.h"

namespace regen::api {

// Who is calling: the token's name (the actor in timeline entries) and role.
struct Principal {
  int64_t token_id = 0;
  std::string name;
  domain::Role role = domain::Role::kViewer;
};

// The token from "Authorization: Bearer <token>" (scheme case-insensitive), or empty.
std::string_view bearer_token(std::string_view authorization);

class TokenAuthenticator {
 public:
  struct Settings {
    std::chrono::milliseconds cache_ttl{5000};
    std::chrono::milliseconds touch_interval{60'000};
    std::size_t max_cached = 4096;
  };
  using Clock = std::function<domain::Timestamp()>;

  TokenAuthenticator(storage::Store& store, Settings settings, Clock clock);

  // kUnauthorized for a malformed, unknown or revoked token (one message for all three, so a
  // caller learns nothing about which); kUnavailable when the store cannot answer.
  Result<Principal> authenticate(std::string_view token);

  // Drops every cached token (after a revocation).
  void forget_all();

 private:
  struct Cached {
    storage::TokenRow row;
    std::chrono::steady_clock::time_point fetched;
    domain::Timestamp touched{};  // last_used_at as last written by this instance
  };

  Result<storage::TokenRow> lookup(const std::string& key_id);
  void touch(const storage::TokenRow& row);

  storage::Store& store_;
  const Settings settings_;
  const Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by key id
};

}  // namespace regen::api
