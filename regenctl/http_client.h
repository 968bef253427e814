#pragma once
// A small blocking HTTP/1.1 client for regend's JSON API: one request per connection
// (Connection: close), plain POSIX sockets, a hand parser for the response. regend always frames
// its bodies with Content-Length; a response without one is read to end of stream. No TLS:
// https URLs are rejected with a message saying so.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"

namespace regen::ctl {

// Where the API lives, from a URL such as "http://regend.internal:8080" or
// "http://127.0.0.1:8080/regen" (a path prefix, for a daemon behind a proxy).
struct HttpEndpoint {
  std::string host;  // a name or address, IPv6 without brackets
  uint16_t port = 80;
  std::string base_path;  // "" or "/prefix", never ending in '/'
  std::string url;        // "http://host:port/prefix", for messages
};

// Parses `url`; "host:port" without a scheme means http://host:port. Fails (kInvalidArgument,
// message fit for the user) for https, other schemes, a missing host, a bad port, user info, a
// query or a fragment.
Result<HttpEndpoint> parse_endpoint(std::string_view url);

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query below the endpoint's base path: "/api/v1/incidents?..."
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given
  std::string body;                                          // Content-Length is added
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header named `name` (lower case), or "".
  std::string_view header(std::string_view name) const;
};

// Why no response arrived: the host did not resolve, the connection was refused or timed out,
// the peer closed early, or what came back was not HTTP. `detail` is lower case and fits after a
// colon: "connection refused", "no response within 5s".
struct TransportError {
  std::string detail;
};

class [[nodiscard]] HttpResult {
 public:
  HttpResult(HttpResponse response) : state_(std::move(response)) {}  // NOLINT: implicit
  HttpResult(TransportError error) : state_(std::move(error)) {}      // NOLINT: implicit

  bool ok() const { return std::holds_alternative<HttpResponse>(state_); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  const HttpResponse& response() const { return std::get<HttpResponse>(state_); }
  HttpResponse& response() { return std::get<HttpResponse>(state_); }
  // REQUIRES: !ok()
  const TransportError& error() const { return std::get<TransportError>(state_); }

 private:
  std::variant<HttpResponse, TransportError> state_;
};

// Largest response body accepted; more is a TransportError rather than unbounded memory.
inline constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;

// Sends `request` to `endpoint` with Host, Content-Length and Connection: close added, and
// reads the whole response. Name resolution is not bounded (getaddrinfo has no timeout); the
// connect is bounded by `timeout`, and so is sending the request and reading the response,
// counted from the moment the connection is established. Blocks the calling thread; any thread
// may call it.
HttpResult http_exchange(const HttpEndpoint& endpoint, const HttpRequest& request,
                         std::chrono::milliseconds timeout);

// Parses a complete response as received (status line, headers, body). A TransportError names
// what is malformed. `complete` is false (and the result meaningless) when more bytes are needed:
// headers not finished, or fewer body bytes than Content-Length.
HttpResult parse_response(std::string_view bytes, bool at_end_of_stream, bool* complete);

}  // namespace regen::ctl
