#pragma once
// What admin commands may ask of the daemon. Implemented by server::Daemon; every method is
// called on the daemon's control thread.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace regen::admin {

struct DrainReport {
  bool timed_out = false;
  std::chrono::milliseconds duration{0};
  uint64_t connections_at_start = 0;
  uint64_t idle_closed = 0;         // keep-alive connections closed between requests
  uint64_t requests_completed = 0;  // requests that finished after the drain began
  uint64_t connections_forced = 0;  // still open at drain_timeout, closed without an answer

  boost::json::object to_json() const;
};

struct ReloadReport {
  std::string config_file;  // empty when running on defaults
  std::vector<std::string> applied;
  std::vector<std::string> needs_restart;

  boost::json::object to_json() const;
};

class DaemonControl {
 public:
  virtual ~DaemonControl() = default;

  // Version, pid, uptime, listeners, connections, in-flight requests, draining, storage.
  virtual boost::json::object status() const = 0;

  // Starts a drain (or joins the one under way); `done` runs when it has finished, after
  // which the daemon exits. `timeout` overrides server.drain_timeout.
  virtual void drain(std::optional<std::chrono::milliseconds> timeout,
                     std::function<void(const DrainReport&)> done) = 0;

  // Re-reads the configuration and applies the reloadable keys. Fails, changing nothing,
  // when the new configuration has errors (the message lists them).
  virtual Result<ReloadReport> reload() = 0;
};

}  // namespace regen::admin
