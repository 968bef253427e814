#pragma once
// A small blocking client for regend's admin socket (common/admin_protocol.h): connect, send one
// request line, read one reply line, decode. Plain POSIX sockets on purpose: one request per
// process needs no event loop, and keeping Asio out keeps regenctl quick to build.

#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "common/admin_protocol.h"

namespace regen::ctl {

// Why a call did not produce reply data. Each kind maps to its own exit code (exit_codes.h).
enum class AdminErrorKind {
  kSocketMissing,     // nothing at the path (ENOENT/ENOTDIR), or a file that is not a socket
  kPermissionDenied,  // EACCES/EPERM on the socket or a directory above it
  kNotAnswering,      // refused, timed out, closed before a full line, or an unparsable reply
  kCommandFailed,     // the daemon answered {"ok":false}
};

struct AdminError {
  AdminErrorKind kind = AdminErrorKind::kNotAnswering;
  // kCommandFailed: the daemon's error message. Otherwise what went wrong, in lower case, fit to
  // follow a colon: "not found", "connection refused", "no reply within 5s".
  std::string detail;
  // kCommandFailed only: the daemon's error code, e.g. admin::kErrBusy.
  std::string code;
};

// Either the reply's `data` or an AdminError. Cheap to move; check ok() first.
class [[nodiscard]] AdminResult {
 public:
  AdminResult(boost::json::value data) : state_(std::move(data)) {}  // NOLINT: implicit by design
  AdminResult(AdminError error) : state_(std::move(error)) {}        // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<boost::json::value>(state_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  const boost::json::value& data() const { return std::get<boost::json::value>(state_); }
  // REQUIRES: !ok()
  const AdminError& error() const { return std::get<AdminError>(state_); }

 private:
  std::variant<boost::json::value, AdminError> state_;
};

struct CallTimeouts {
  // Bounds connect(), which blocks only while the daemon's listen backlog is full.
  std::chrono::milliseconds connect{5000};
  // Bounds sending the request and receiving the whole reply line, from the moment connected.
  std::chrono::milliseconds reply{5000};
};

// Sends `request` to the daemon listening on `socket_path` and waits for its reply line (at most
// admin::kMaxLineBytes plus '\n'). Blocks the calling thread for up to connect + reply timeouts;
// any thread may call it. A path that exists but is not a socket is reported as kSocketMissing,
// since connect() alone would call it "connection refused" and send the operator looking for a
// dead daemon rather than a wrong --socket. A path too long for sockaddr_un is kSocketMissing too.
AdminResult call_admin(std::string_view socket_path, const admin::Request& request,
                       const CallTimeouts& timeouts);

// "5s" for whole seconds, "200ms" otherwise: how timeouts appear in messages.
std::string format_timeout(std::chrono::milliseconds timeout);

}  // namespace regen::ctl
