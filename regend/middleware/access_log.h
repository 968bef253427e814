#pragma once
// One access-log line per HTTP request, in logfmt so both people and log pipelines read it:
//   method=GET route=/health path=/health status=200 duration_ms=0.081 bytes_in=0
//   bytes_out=61 request_id=9f... client=127.0.0.1 peer=127.0.0.1:51234

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace regen::middleware {

struct AccessRecord {
  std::string_view method;
  std::string_view route;  // the matched pattern, "unmatched", or "-" for unparsable requests
  std::string_view path;
  unsigned status = 0;
  std::chrono::nanoseconds duration{0};
  std::size_t bytes_in = 0;
  std::size_t bytes_out = 0;
  std::string_view request_id;
  // The request's client address (ClientAddressResolver: "203.0.113.9", from X-Forwarded-For
  // behind a trusted proxy), or the peer for requests rejected before routing.
  std::string_view client;
  std::string_view peer;  // the connection's own "IP:PORT": the proxy, behind one
};

std::string format_access_line(const AccessRecord& record);
// The same line, appended to `line`.
void append_access_line(std::string& line, const AccessRecord& record);

// Writes the line to the "access" logger when access logging is on (log.access_log, reloadable).
void log_access(const AccessRecord& record);
void set_access_log_enabled(bool enabled);

}  // namespace regen::middleware
