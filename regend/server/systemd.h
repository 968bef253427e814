#pragma once
// sd_notify(3) for Type=notify units. Every call is a no-op when $NOTIFY_SOCKET is unset, so
// the daemon behaves the same in a terminal.

#include <chrono>
#include <optional>
#include <string_view>

namespace regen::server::systemd {

void notify(std::string_view state);          // "READY=1", "STOPPING=1", "WATCHDOG=1", ...
void notify_status(std::string_view status);  // "STATUS=<status>"

// The interval at which systemd expects WATCHDOG=1 ($WATCHDOG_USEC), if it asked for pings.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace regen::server::systemd
