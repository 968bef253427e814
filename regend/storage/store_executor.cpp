#include "regend/storage/store_executor.h"

#include <spdlog/spdlog.h>

namespace regen::storage {

StoreExecutor::StoreExecutor(std::size_t threads, std::size_t max_queued)
    : max_queued_(max_queued) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

StoreExecutor::~StoreExecutor() { stop(); }

bool StoreExecutor::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void StoreExecutor::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

std::size_t StoreExecutor::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void StoreExecutor::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      // Jobs answer their own errors; one escaping is a bug, but must not end the thread.
      spdlog::error("store executor: a job threw: {}", e.what());
    }
  }
}

}  // namespace regen::storage
