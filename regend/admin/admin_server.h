#pragma once
// The admin socket: a Unix stream socket (mode 0660) speaking newline-delimited JSON
// (common/admin_protocol.h). It runs on the daemon's control thread, next to signal handling,
// so commands never race with drain or reload.

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "regend/admin/command_registry.h"

namespace boost::asio {
class io_context;
}

namespace regen::admin {

class AdminServer {
 public:
  // `ioc` is the control thread's context; `registry` must outlive the server.
  AdminServer(boost::asio::io_context& ioc, const CommandRegistry& registry);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds `path` with mode 0660, creating its directory. A stale socket file (nobody
  // listening) is replaced; a live one means another daemon owns it, which is an error.
  Status listen(const std::string& path);
  void start();

  // Stops accepting and removes the socket file; replies already being computed are still
  // written. `done` runs on the control thread once every connection has closed (at most ~2 s).
  void stop(std::function<void()> done);

  const std::string& path() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regen::admin
