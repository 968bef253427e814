#pragma once
// The daemon's lifecycle: start (bind listeners and the admin socket, then READY=1), serve,
// reload on SIGHUP, drain on SIGTERM/SIGINT or `regenctl drain`, exit.
//
// Threads: io threads (http::Server) serve HTTP; the control thread (the one calling run())
// handles signals, the admin socket, drain, reload and the watchdog. Every DaemonControl
// method runs on the control thread.

#include <memory>

#include "common/config.h"
#include "common/result.h"
#include "regend/admin/daemon_control.h"

namespace regen::server {

class Daemon final : public admin::DaemonControl {
 public:
  // `config` has been validated; `sources` is kept to re-read the configuration on reload.
  Daemon(config::Config config, config::ConfigSources sources);
  ~Daemon() override;

  // Creates the data directory, binds the HTTP listeners and the admin socket. On failure
  // nothing is left listening and the error names what failed.
  Status start();

  // Serves until a drain completes (exit code 0). A second SIGTERM/SIGINT during a drain
  // ends the process at once with 128+signal.
  int run();

  boost::json::object status() const override;
  void drain(std::optional<std::chrono::milliseconds> timeout,
             std::function<void(const admin::DrainReport&)> done) override;
  Result<admin::ReloadReport> reload() override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regen::server
