#pragma once
// regend's JSON API as regenctl uses it: bearer-token requests, JSON bodies, and the one place
// where HTTP statuses and transport failures become exit codes and one-line messages.

#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "regenctl/exit_codes.h"
#include "regenctl/http_client.h"

namespace regen::ctl {

// Why a call produced no usable reply.
struct ApiFailure {
  int exit_code = kExitFailed;
  int http_status = 0;     // 0 when no HTTP response arrived
  std::string error_code;  // the server's error.code ("not_found"), "" when none
  // One line without the "regenctl: " prefix: "token refused (401 unauthorized): unknown token
  // (request_id 7f3a)", "regend at http://127.0.0.1:8080 is not answering: connection refused".
  std::string message;
};

// The parsed JSON body of a 2xx response (null for an empty body), or an ApiFailure.
class [[nodiscard]] ApiResult {
 public:
  ApiResult(boost::json::value data) : state_(std::move(data)) {}  // NOLINT: implicit
  ApiResult(ApiFailure failure) : state_(std::move(failure)) {}    // NOLINT: implicit

  bool ok() const { return std::holds_alternative<boost::json::value>(state_); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  const boost::json::value& data() const { return std::get<boost::json::value>(state_); }
  // REQUIRES: !ok()
  const ApiFailure& failure() const { return std::get<ApiFailure>(state_); }

 private:
  std::variant<boost::json::value, ApiFailure> state_;
};

// Blocking calls, one connection each. Immutable after construction; any thread may call.
class ApiClient {
 public:
  ApiClient(HttpEndpoint endpoint, std::string token, std::chrono::milliseconds timeout);

  // `target` is the path and query below the endpoint: "/api/v1/incidents?limit=5".
  ApiResult get(std::string_view target) const;
  // POST, PATCH, ... with `body` serialized as JSON.
  ApiResult send(std::string_view method, std::string_view target,
                 const boost::json::value& body) const;

  const HttpEndpoint& endpoint() const { return endpoint_; }

 private:
  ApiResult call(std::string_view method, std::string_view target, std::string body) const;

  HttpEndpoint endpoint_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

// The exit code for an HTTP error status: 401/403 permission denied, 404 not found, anything
// else failed. The only mapping from HTTP statuses to exit codes.
int exit_code_for_http_status(int status);

// The failure for a non-2xx response, its message built from the body's
// {"error":{"code","message","details","request_id"}} (X-Request-Id when the body has none).
ApiFailure describe_http_failure(const HttpResponse& response);

// The failure (exit 5) for a request that got no response from `endpoint`.
ApiFailure describe_transport_failure(const HttpEndpoint& endpoint, const TransportError& error);

// `path` with the parameters appended as a percent-encoded query ("?a=1&b=x%20y"); repeated
// names repeat. Empty `params` gives `path` unchanged.
std::string with_query(std::string_view path,
                       const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace regen::ctl
