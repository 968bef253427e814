#include "regend/server/systemd.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace regen::server::systemd {

void notify(std::string_view state) { sd_notify(0, std::string(state).c_str()); }

void notify_status(std::string_view status) { notify("STATUS=" + std::string(status)); }

std::vector<int> inherited_sockets() {
  const int count = sd_listen_fds(1);
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) fds.push_back(SD_LISTEN_FDS_START + i);
  return fds;
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace regen::server::systemd
