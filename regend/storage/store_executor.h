#pragma once
// A small fixed pool of threads for blocking store work that is not ingestion: API reads and
// changes, token commands. io threads and the control thread hand work here and never wait on
// the database themselves. The queue is bounded: when it is full, post() refuses and the
// caller answers 503 + Retry-After, as the write path does.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace regen::storage {

class StoreExecutor {
 public:
  // REQUIRES: threads >= 1, max_queued >= 1.
  StoreExecutor(std::size_t threads, std::size_t max_queued);
  ~StoreExecutor();  // stop()s
  StoreExecutor(const StoreExecutor&) = delete;
  StoreExecutor& operator=(const StoreExecutor&) = delete;

  // Queues `job` (false, without running it, when the queue is full or stopping). Any thread.
  bool post(std::function<void()> job);

  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

  std::size_t queued() const;

 private:
  void run();

  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace regen::storage
