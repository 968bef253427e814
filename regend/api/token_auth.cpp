#include "regend/api/token_auth.h"

#include <spdlog/spdlog.h>

#include <cctype>

namespace regen::api {
namespace {

Error refused() { return Error(ErrorCode::kUnauthorized, "unknown or revoked API token"); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

TokenAuthenticator::TokenAuthenticator(storage::Store& store, Settings settings, Clock clock)
    : store_(store), settings_(settings), clock_(std::move(clock)) {}

Result<Principal> TokenAuthenticator::authenticate(std::string_view token) {
  std::optional<std::string> key_id = domain::token_key_id(token);
  if (!key_id) return refused();
  Result<storage::TokenRow> row = lookup(*key_id);
  if (!row) return row.error();
  // Compared even for revoked rows, so both refusals take the same time.
  const bool matches = domain::token_matches(token, row.value().secret_hash);
  if (!matches || row.value().revoked_at) return refused();
  touch(row.value());
  Principal principal;
  principal.token_id = row.value().id;
  principal.name = row.value().name;
  principal.role = row.value().role;
  return principal;
}

void TokenAuthenticator::forget_all() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

Result<storage::TokenRow> TokenAuthenticator::lookup(const std::string& key_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto cached = cache_.find(key_id);
    if (cached != cache_.end() && now - cached->second.fetched < settings_.cache_ttl) {
      return cached->second.row;
    }
  }
  std::optional<storage::TokenRow> found;
  Status status = store_.read([&](storage::ReadTx& tx) -> Status {
    found = tx.find_token(key_id);
    return {};
  });
  if (!status) {
    if (status.error().code == ErrorCode::kUnavailable) {
      return Error(ErrorCode::kUnavailable, "cannot check the API token: storage unavailable");
    }
    return status.error();
  }
  // Unknown key ids are not cached: a flood of made-up tokens must not grow memory.
  if (!found) return refused();
  std::lock_guard lock(mutex_);
  if (cache_.size() >= settings_.max_cached) cache_.clear();
  Cached& entry = cache_[key_id];
  domain::Timestamp touched = entry.touched;
  entry.row = *found;
  entry.fetched = now;
  entry.touched = std::max(touched, found->last_used_at.value_or(domain::Timestamp{}));
  return *found;
}

void TokenAuthenticator::touch(const storage::TokenRow& row) {
  const domain::Timestamp now = clock_();
  {
    std::lock_guard lock(mutex_);
    auto cached = cache_.find(row.key_id);
    if (cached == cache_.end() || now - cached->second.touched < settings_.touch_interval) {
      return;
    }
    cached->second.touched = now;
  }
  Status status = store_.write([&](storage::WriteTx& tx) -> Status {
    tx.touch_token(row.id, now);
    return {};
  });
  // Only bookkeeping: a failed write must not fail the request it rides on.
  if (!status)
    spdlog::debug("recording last use of token {}: {}", row.name, status.error().message);
}

}  // namespace regen::api
