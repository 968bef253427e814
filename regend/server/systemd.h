#pragma once
// sd_notify(3) for Type=notify units. Every call is a no-op when $NOTIFY_SOCKET is unset, so
// the daemon behaves the same in a terminal.

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace regen::server::systemd {

void notify(std::string_view state);          // "READY=1", "STOPPING=1", "WATCHDOG=1", ...
void notify_status(std::string_view status);  // "STATUS=<status>"

// The listening sockets systemd passed in (socket activation: $LISTEN_FDS for this process),
// starting at fd 3; empty when started without a .socket unit. Unsets the LISTEN_* variables so
// no child process believes they are meant for it. Call once, at start.
std::vector<int> inherited_sockets();

// The interval at which systemd expects WATCHDOG=1 ($WATCHDOG_USEC), if it asked for pings.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace regen::server::systemd
