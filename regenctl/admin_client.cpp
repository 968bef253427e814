#include "regenctl/admin_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

#include "regenctl/socket_io.h"

namespace regen::ctl {
namespace {

using Clock = SteadyClock;

AdminError missing(std::string detail) {
  return AdminError{AdminErrorKind::kSocketMissing, std::move(detail), {}};
}

AdminError not_answering(std::string detail) {
  return AdminError{AdminErrorKind::kNotAnswering, std::move(detail), {}};
}

std::string errno_text(int err) { return std::generic_category().message(err); }

bool exists_as_non_socket(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && !S_ISSOCK(info.st_mode);
}

AdminError connect_error(int err, const std::string& path) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return missing("not found");
    case EACCES:
    case EPERM:
      return AdminError{AdminErrorKind::kPermissionDenied, errno_text(err), {}};
    case ECONNREFUSED:
      // Linux answers ECONNREFUSED for a regular file as well as for a stale socket left behind
      // by a daemon that died; only the file type tells them apart.
      if (exists_as_non_socket(path)) return missing("is not a socket");
      return not_answering("connection refused");
    case EAGAIN:
      // SO_SNDTIMEO expired while the listen backlog stayed full.
      return not_answering("timed out connecting (listen backlog full)");
    default:
      return not_answering(errno_text(err));
  }
}

void set_send_timeout(int fd, std::chrono::milliseconds timeout) {
  // A zero timeval means "block forever", so never pass one.
  const auto ms = std::max<std::chrono::milliseconds::rep>(timeout.count(), 1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Connects blocking, bounded by SO_SNDTIMEO: on Linux a Unix-socket connect() waits only while
// the peer's backlog is full, and that wait honours the send timeout.
std::optional<AdminError> connect_to(int fd, const std::string& path,
                                     std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty()) return missing("not found");
  if (path.size() >= sizeof address.sun_path) {
    return missing("is too long for a Unix socket path (over " +
                   std::to_string(sizeof address.sun_path - 1) + " bytes)");
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  set_send_timeout(fd, timeout);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return connect_error(errno, path);
  }
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
    return not_answering(errno_text(errno));
  }
  return std::nullopt;
}

std::optional<AdminError> send_all(int fd, std::string_view bytes, Clock::time_point deadline,
                                   std::chrono::milliseconds timeout) {
  while (!bytes.empty()) {
    if (!wait_ready(fd, POLLOUT, deadline)) {
      return not_answering("request not accepted within " + format_timeout(timeout));
    }
    // MSG_NOSIGNAL: a daemon that closed early must become an error value, not a SIGPIPE.
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET) {
        return not_answering("connection closed before the request was sent");
      }
      return not_answering(errno_text(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return std::nullopt;
}

// Reads up to the first '\n'. Bytes after it belong to no request of ours and are dropped.
std::optional<AdminError> receive_line(int fd, Clock::time_point deadline,
                                       std::chrono::milliseconds timeout, std::string& line) {
  constexpr std::size_t kLimit = admin::kMaxLineBytes + 1;  // the line plus its '\n'
  char chunk[4096];
  for (;;) {
    if (line.size() >= kLimit) {
      return not_answering("reply longer than " + std::to_string(admin::kMaxLineBytes) + " bytes");
    }
    if (!wait_ready(fd, POLLIN, deadline)) {
      return not_answering("no reply within " + format_timeout(timeout));
    }
    const ssize_t got = ::recv(fd, chunk, std::min(sizeof chunk, kLimit - line.size()), 0);
    if (got == 0) {
      return not_answering(line.empty() ? "connection closed without a reply"
                                        : "connection closed in the middle of a reply");
    }
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno == ECONNRESET) return not_answering("connection reset");
      return not_answering(errno_text(errno));
    }
    const std::size_t scanned = line.size();
    line.append(chunk, static_cast<std::size_t>(got));
    const std::size_t newline = line.find('\n', scanned);
    if (newline != std::string::npos) {
      line.resize(newline);
      return std::nullopt;
    }
  }
}

AdminResult decode(std::string_view line) {
  auto decoded = admin::decode_response(line);
  if (!decoded) return not_answering("invalid reply: " + decoded.error().message);
  admin::Response& response = decoded.value();
  if (!response.ok) {
    return AdminError{AdminErrorKind::kCommandFailed, std::move(response.error.message),
                      std::move(response.error.code)};
  }
  return std::move(response.data);
}

}  // namespace

AdminResult call_admin(std::string_view socket_path, const admin::Request& request,
                       const CallTimeouts& timeouts) {
  const std::string path(socket_path);
  FileDescriptor socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket.get() < 0) return not_answering(errno_text(errno));
  if (auto error = connect_to(socket.get(), path, timeouts.connect)) return std::move(*error);

  const auto deadline = Clock::now() + timeouts.reply;
  if (auto error = send_all(socket.get(), admin::encode(request), deadline, timeouts.reply)) {
    return std::move(*error);
  }
  std::string line;
  if (auto error = receive_line(socket.get(), deadline, timeouts.reply, line)) {
    return std::move(*error);
  }
  return decode(line);
}

std::string format_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0) return std::to_string(timeout.count() / 1000) + "s";
  return std::to_string(timeout.count()) + "ms";
}

}  // namespace regen::ctl
