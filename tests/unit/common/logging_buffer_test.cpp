#include "common/logging_buffer.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace regen::logging {
namespace {

using namespace std::chrono_literals;

// A pipe whose read end is drained by a thread, so writes never block, and which records
// what each read returned.
class Drain {
 public:
  Drain() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    reader_ = std::thread([this] {
      char chunk[65536];
      ssize_t n;
      while ((n = ::read(read_fd_, chunk, sizeof(chunk))) > 0) {
        std::lock_guard lock(mutex_);
        text_.append(chunk, static_cast<std::size_t>(n));
      }
    });
  }
  ~Drain() {
    close_writer();
    reader_.join();
    ::close(read_fd_);
  }
  int fd() const { return write_fd_; }
  void close_writer() {
    if (write_fd_ >= 0) ::close(write_fd_);
    write_fd_ = -1;
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }
  // Waits until `text` has been read, or the deadline passes.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 5s) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (this->text().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::string text_;
};

std::string numbered(int i) { return "line " + std::to_string(i) + "\n"; }

}  // namespace

TEST_CASE("line buffer: without a flusher every line is written at once") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 1024, .interval = 1h});
  buffer.append("first\n", false);
  CHECK(buffer.bytes_written() == 6);
  CHECK(drain.wait_for("first\n"));
}

TEST_CASE("line buffer: batched lines stay pending, then leave in one write") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 1 << 20, .interval = 1h});
  buffer.start();
  for (int i = 0; i < 100; ++i) buffer.append(numbered(i), false);
  CHECK(buffer.writes() == 0);
  buffer.flush();
  CHECK(buffer.writes() == 1);
  CHECK(drain.wait_for(numbered(99)));
}

TEST_CASE("line buffer: the flusher writes batched lines without being asked") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 1 << 20, .interval = 20ms});
  buffer.start();
  buffer.append("soon\n", false);
  CHECK(drain.wait_for("soon\n"));
  buffer.append("and again\n", false);
  CHECK(drain.wait_for("and again\n"));
}

TEST_CASE("line buffer: an immediate line takes every batched line before it along") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 1 << 20, .interval = 1h});
  buffer.start();
  buffer.append("access 1\n", false);
  buffer.append("access 2\n", false);
  buffer.append("error\n", true);
  CHECK(buffer.writes() == 1);
  REQUIRE(drain.wait_for("error\n"));
  CHECK(drain.text() == "access 1\naccess 2\nerror\n");
}

TEST_CASE("line buffer: pending bytes never pass the capacity by more than one line") {
  Drain drain;
  const std::size_t capacity = 1000;
  LineBuffer buffer({.fd = drain.fd(), .capacity = capacity, .interval = 1h});
  buffer.start();
  std::size_t appended = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string line = numbered(i);
    buffer.append(line, false);
    appended += line.size();
    // What is not written yet is pending, and that is bounded.
    CHECK(appended - buffer.bytes_written() <= capacity);
  }
  CHECK(buffer.writes() >= appended / capacity);
}

TEST_CASE("line buffer: stop writes what is pending, and later lines go out at once") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 1 << 20, .interval = 1h});
  buffer.start();
  buffer.append("before stop\n", false);
  buffer.stop();
  CHECK(buffer.bytes_written() == 12);
  buffer.append("after stop\n", false);
  CHECK(buffer.bytes_written() == 23);
  REQUIRE(drain.wait_for("after stop\n"));
  CHECK(drain.text() == "before stop\nafter stop\n");
}

TEST_CASE("line buffer: the destructor writes what is pending") {
  Drain drain;
  {
    LineBuffer buffer({.fd = drain.fd(), .capacity = 1 << 20, .interval = 1h});
    buffer.start();
    buffer.append("last words\n", false);
  }
  CHECK(drain.wait_for("last words\n"));
}

TEST_CASE("line buffer: flush writes everything appended before it") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 1 << 20, .interval = 1h});
  buffer.start();
  buffer.append("a\n", false);
  buffer.append("b\n", false);
  buffer.flush();
  CHECK(buffer.bytes_written() == 4);
  CHECK(buffer.writes() == 1);
}

TEST_CASE("line buffer: lines from many threads arrive whole and each thread's in order") {
  Drain drain;
  LineBuffer buffer({.fd = drain.fd(), .capacity = 4096, .interval = 5ms});
  buffer.start();
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&buffer, t] {
      for (int i = 0; i < kLines; ++i) {
        buffer.append("t" + std::to_string(t) + " " + std::to_string(i) + "\n", i % 97 == 0);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  buffer.flush();
  REQUIRE(drain.wait_for("t0 " + std::to_string(kLines - 1) + "\n"));
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(drain.wait_for("t" + std::to_string(t) + " " + std::to_string(kLines - 1) + "\n"));
  }
  std::vector<int> next(kThreads, 0);
  const std::string text = drain.text();
  std::size_t start = 0;
  int lines = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    const std::string line = text.substr(start, end - start);
    int thread = -1;
    int number = -1;
    REQUIRE(std::sscanf(line.c_str(), "t%d %d", &thread, &number) == 2);
    REQUIRE(thread >= 0);
    REQUIRE(thread < kThreads);
    CHECK(number == next[thread]);
    next[thread] = number + 1;
    ++lines;
    start = end + 1;
  }
  CHECK(lines == kThreads * kLines);
}

TEST_CASE("line buffer: a write error drops the batch without blocking later lines") {
  Drain drain;
  LineBuffer buffer({.fd = -1, .capacity = 16, .interval = 1h});
  buffer.append("nowhere to go\n", true);
  buffer.append("still fine\n", false);
  CHECK(buffer.bytes_written() == 0);
}

}  // namespace regen::logging
