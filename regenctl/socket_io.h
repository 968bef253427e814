#pragma once
// POSIX socket plumbing shared by the admin-socket and HTTP clients.

#include <chrono>

namespace regen::ctl {

using SteadyClock = std::chrono::steady_clock;

// Owns a file descriptor and closes it on destruction; -1 owns nothing.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  ~FileDescriptor();

  int get() const { return fd_; }
  int release();

 private:
  int fd_;
};

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or `deadline` passes; false on
// timeout. A poll() failure other than EINTR returns true so that the following I/O call
// reports the error.
bool wait_ready(int fd, short events, SteadyClock::time_point deadline);

}  // namespace regen::ctl
