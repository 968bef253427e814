#pragma once
// Test support: a real AF_UNIX listening socket in a fresh temporary directory, served by a
// thread that answers one connection from a script. It exercises the client's handling of the
// protocol and of misbehaving peers; it does not imitate regend.

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace regen::ctl::testing {

// Temporary directories come from the shared test support (short /tmp paths: socket paths
// must fit sockaddr_un).
using TempDir = ::regen::test::TempDir;

enum class PeerScript {
  kReply,              // read one request line, write the reply, keep the connection open
  kReplyThenClose,     // read one request line, write the reply, close
  kCloseWithoutReply,  // read one request line, close
  kNeverReply,         // read one request line, then say nothing until destroyed
  kReplyToEach,        // like kReplyThenClose, for every connection until destroyed
};

class FakeAdminPeer {
 public:
  // Listening before the constructor returns. `reply` is written verbatim (include the '\n').
  explicit FakeAdminPeer(PeerScript script, std::string reply = {});
  FakeAdminPeer(const FakeAdminPeer&) = delete;
  FakeAdminPeer& operator=(const FakeAdminPeer&) = delete;
  // Wakes and joins the serving thread, then removes the socket and its directory.
  ~FakeAdminPeer();

  const std::string& socket_path() const { return socket_path_; }
  // The last request line the peer read, without its '\n'; "" if none arrived yet.
  std::string received_request() const;
  // Every request line read so far, in order.
  std::vector<std::string> received_requests() const;

 private:
  void serve();
  // Serves one accepted connection by the script; false when asked to stop.
  bool serve_connection(int connection);
  // Waits until `fd` is readable or stop is signalled; false on stop.
  bool wait_readable(int fd) const;

  PeerScript script_;
  std::string reply_;
  TempDir dir_;
  std::string socket_path_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// Binds and listens on `path` with the given backlog; returns the listening fd, or -1.
int listen_unix(const std::string& path, int backlog);

}  // namespace regen::ctl::testing
