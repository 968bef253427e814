#pragma once
// Whole log lines for one file descriptor, written in batches: a line appended in batched mode
// waits (at most `interval`, at most `capacity` bytes) and leaves with the lines around it in
// one write(2); a line appended in immediate mode leaves at once, together with every line
// queued before it. The access log is batched (one line per request would otherwise cost a
// write and a lock handoff per request); event lines are immediate.
//
// Guarantees:
// - order: lines reach the descriptor in the order their append() calls took the lock;
// - bounded memory: pending bytes never exceed `capacity` plus one line; an append that would
//   pass it writes the pending lines out on the appending thread first (backpressure, no drop);
// - flush() and the destructor write everything appended before them;
// - each write(2) carries whole lines only, so a reader that splits on '\n' (journald) never
//   sees a line cut in two by a batch boundary.
//
// Threads: append() and flush() from any thread. The flusher thread (start()) flushes every
// `interval`; stop() and the destructor end it and flush. While no flusher runs (before
// start(), after stop()) every append is immediate.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace regen::logging {

class LineBuffer {
 public:
  struct Settings {
    int fd = 2;
    std::size_t capacity = 64 * 1024;
    std::chrono::milliseconds interval{100};
  };

  explicit LineBuffer(Settings settings);
  ~LineBuffer();  // stop()s and flushes
  LineBuffer(const LineBuffer&) = delete;
  LineBuffer& operator=(const LineBuffer&) = delete;

  // Queues `line`, which ends with '\n'. `immediate`: write it, and everything before it, now.
  void append(std::string_view line, bool immediate);
  // Writes everything appended so far before returning.
  void flush();

  // Starts the thread that flushes every interval. Idempotent; stop() ends it and flushes.
  void start();
  void stop();

  // Lines' bytes written so far, and write(2) calls made (tests, diagnostics).
  std::size_t bytes_written() const;
  std::size_t writes() const;

 private:
  // Takes the pending bytes and writes them; called with `lock` held, returns with it held.
  void write_pending(std::unique_lock<std::mutex>& lock);
  void run();

  const Settings settings_;
  mutable std::mutex mutex_;  // guards everything below except the descriptor itself
  std::string pending_;
  std::string spare_;       // the previous batch's storage, reused for the next one
  std::mutex write_mutex_;  // taken while mutex_ is held, so batches leave in order
  std::size_t bytes_written_ = 0;
  std::size_t writes_ = 0;

  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace regen::logging
