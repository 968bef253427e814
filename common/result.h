#pragma once
// Error values for expected failures (bad input, not found, store unavailable, ...).
// Exceptions are reserved for start-up and for adapters around throwing libraries, which
// convert them into these values at their boundary.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace regen {

// Stable, machine-readable error codes. The string form (error_code_name) is what clients see
// in {"error":{"code":...}}; the HTTP status for each lives in regend/http/error_response.cpp.
enum class ErrorCode {
  kInvalidArgument,   // bad input the caller can fix
  kUnauthorized,      // missing or unknown credentials
  kForbidden,         // credentials known, role too low
  kNotFound,          // no such route or resource
  kMethodNotAllowed,  // route exists, method does not
  kConflict,          // state transition not allowed
  kRequestTimeout,    // client too slow to send its request
  kPayloadTooLarge,   // body over the configured limit
  kHeaderTooLarge,    // request header over the configured limit
  kRateLimited,       // over a rate limit
  kUnavailable,       // temporarily unable (store down, draining, full queue): retry
  kInternal,          // a bug: logged with the request id
};

std::string_view error_code_name(ErrorCode code);

struct Error {
  Error() = default;
  Error(ErrorCode error_code, std::string error_message, std::string error_field = {},
        std::optional<int64_t> error_limit = std::nullopt)
      : code(error_code),
        message(std::move(error_message)),
        field(std::move(error_field)),
        limit(error_limit) {}

  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // For input errors: the offending field as a path ("alerts[3].labels.severity") and, when a
  // limit was exceeded, the limit. Rendered as {"details":{"field":...,"limit":...}}.
  std::string field;
  std::optional<int64_t> limit;
};

// Result<T>: either a T or an Error. Cheap to move; check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }

  // REQUIRES: !ok()
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // REQUIRES: !ok()
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace regen
