#include "tests/unit/regenctl/fake_admin_peer.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace regen::ctl::testing {

int listen_unix(const std::string& path, int backlog) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, backlog) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

FakeAdminPeer::FakeAdminPeer(PeerScript script, std::string reply)
    : script_(script), reply_(std::move(reply)), socket_path_(dir_.path() + "/admin.sock") {
  listen_fd_ = listen_unix(socket_path_, 4);
  if (listen_fd_ < 0 || ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    throw std::runtime_error("fake peer: cannot listen on " + socket_path_);
  }
  thread_ = std::thread([this] { serve(); });
}

FakeAdminPeer::~FakeAdminPeer() {
  const char stop = 's';
  [[maybe_unused]] const ssize_t written = ::write(stop_pipe_[1], &stop, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

std::string FakeAdminPeer::received_request() const {
  std::lock_guard lock(mutex_);
  return requests_.empty() ? std::string() : requests_.back();
}

std::vector<std::string> FakeAdminPeer::received_requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool FakeAdminPeer::wait_readable(int fd) const {
  pollfd entries[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
  while (::poll(entries, 2, -1) < 0) {
  }
  return (entries[1].revents & POLLIN) == 0;
}

void FakeAdminPeer::serve() {
  do {
    if (!wait_readable(listen_fd_)) return;
    const int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return;
    if (!serve_connection(connection)) return;
  } while (script_ == PeerScript::kReplyToEach);
}

bool FakeAdminPeer::serve_connection(int connection) {
  std::string line;
  char chunk[4096];
  bool running = true;
  while (line.find('\n') == std::string::npos && (running = wait_readable(connection))) {
    const ssize_t got = ::recv(connection, chunk, sizeof chunk, 0);
    if (got <= 0) break;
    line.append(chunk, static_cast<std::size_t>(got));
  }
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(line.substr(0, line.find('\n')));
  }
  if (script_ != PeerScript::kCloseWithoutReply && script_ != PeerScript::kNeverReply) {
    std::string_view rest = reply_;
    while (!rest.empty()) {
      const ssize_t sent = ::send(connection, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (sent <= 0) break;  // the client gave up reading, as it should on an over-long line
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
  }
  if (script_ == PeerScript::kReply || script_ == PeerScript::kNeverReply) {
    // Hold the connection open so the client must not depend on EOF to finish reading.
    while ((running = wait_readable(connection)) &&
           ::recv(connection, chunk, sizeof chunk, 0) > 0) {
    }
  }
  ::close(connection);
  return running;
}

}  // namespace regen::ctl::testing
