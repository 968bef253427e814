#pragma once
// Everything the event-loop threads share, read-only, for one run: the scenario, where to
// connect, the requests turned into wire bytes (rendered once when nothing in them varies),
// and the few atomics threads do share (the global iteration sequence and the stop flag).

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "regenctl/bench/scenario.h"

namespace regen::ctl::bench {

// Where the load goes: http://host:port/base_path.
struct Target {
  std::string host;  // a name or an address, IPv6 without brackets
  uint16_t port = 80;
  std::string base_path;  // "" or "/prefix", put before every request's path
  std::string url;        // for messages and the results
};

struct PreparedRequest {
  const RequestSpec* spec = nullptr;
  // The whole request when none of its templates varies; "" when it is rendered per send.
  std::string static_bytes;
  bool keep_body = false;
  bool head = false;
  std::size_t first_check = 0;  // index of its first check in the scenario-wide check list
};

struct RunPlan {
  const Scenario* scenario = nullptr;
  sockaddr_storage address{};
  socklen_t address_length = 0;
  std::string host_header;  // "127.0.0.1:8080"
  std::string base_path;    // "" or "/prefix"
  std::vector<PreparedRequest> requests;
  std::size_t check_count = 0;
  int threads = 1;
  // CLOCK_MONOTONIC nanoseconds at which the first stage starts.
  int64_t start_ns = 0;

  // Shared between threads; must outlive them.
  std::atomic<uint64_t>* sequence = nullptr;  // next {{seq}}
  std::atomic<bool>* stop = nullptr;          // end the run now (Ctrl-C)
};

// Resolves the target's host (once: every connection goes to the same address) and prepares
// the requests. kUnavailable when the host does not resolve. `scenario` must outlive the plan.
Result<RunPlan> make_run_plan(const Scenario& scenario, const Target& target);

// Appends the wire form of `request` (request line, Host, User-Agent, the scenario's headers,
// Content-Length when there is a body or the method sends one, the body) to `out`, using
// `body_scratch` as working space. False with `problem` set when a template cannot be
// rendered.
bool render_request(const RunPlan& plan, const RequestSpec& request, const RenderContext& context,
                    std::string& out, std::string& body_scratch, std::string* problem);

// CLOCK_MONOTONIC in nanoseconds.
int64_t monotonic_ns();

// The current UTC time as RFC 3339 with milliseconds: "2026-11-22T10:00:00.123Z".
std::string utc_now_rfc3339();

}  // namespace regen::ctl::bench
