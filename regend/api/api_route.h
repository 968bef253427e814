#pragma once
// Every authenticated API route goes through api_route(): it checks the bearer token and the
// role, then runs the route's handler on a store executor thread (handlers block on the store;
// io threads never do) and sends what it returns. Handlers are plain functions from a call to a
// response, which keeps them easy to read and to test.

#include <functional>
#include <string_view>

#include "common/result.h"
#include "regend/api/token_auth.h"
#include "regend/domain/api_token.h"
#include "regend/http/request.h"
#include "regend/ratelimit/request_limiter.h"
#include "regend/storage/store.h"
#include "regend/storage/store_executor.h"

namespace regen::api {

// What the API routes share; everything it points to must outlive the router.
struct ApiContext {
  storage::Store* store = nullptr;
  storage::StoreExecutor* executor = nullptr;
  TokenAuthenticator* authenticator = nullptr;
  std::function<domain::Timestamp()> clock;
  ratelimit::RequestLimiter* limiter = nullptr;  // null: no rate limit
};

// One authenticated call, on a store executor thread.
struct ApiCall {
  const http::Request& request;
  const Principal& principal;
  storage::Store& store;
  domain::Timestamp now;
};

using ApiHandler = std::function<http::Response(const ApiCall&)>;

// The handler for a route needing at least `required`: 401 without a valid token (with
// WWW-Authenticate), 403 when the role is too low, 503 + Retry-After when the executor's queue
// is full or the store cannot check the token, 429 past the token's rate limit. The limit is
// taken on the io thread before authentication, keyed by the token's key id (a malformed token
// by the client address), so a flood never reaches the executor; an invented key id gets its
// own bucket, bounded like any other, and then a 401.
http::Handler api_route(const ApiContext& context, domain::Role required, ApiHandler handler);

// The response for a store call that failed: 503 + Retry-After for kUnavailable, the error's
// own status for input errors (kNotFound, kConflict...), else 500 (logged with the request id).
http::Response store_failure(const Error& error, std::string_view request_id);

}  // namespace regen::api
