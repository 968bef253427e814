#include "common/logging_buffer.h"

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>

namespace regen::logging {
namespace {

// Writes all of `bytes`, resuming after partial writes and EINTR, waiting out EAGAIN on a
// non-blocking descriptor. On any other error the rest is dropped: there is nowhere left to
// report a failure to write the log.
std::size_t write_all(int fd, std::string_view bytes, std::size_t* calls) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ++*calls;
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd waiting{.fd = fd, .events = POLLOUT, .revents = 0};
      ::poll(&waiting, 1, -1);
    } else {
      break;
    }
  }
  return done;
}

}  // namespace

LineBuffer::LineBuffer(Settings settings) : settings_(settings) {
  pending_.reserve(settings_.capacity);
}

LineBuffer::~LineBuffer() { stop(); }

void LineBuffer::append(std::string_view line, bool immediate) {
  std::unique_lock lock(mutex_);
  if (!pending_.empty() && pending_.size() + line.size() > settings_.capacity) {
    write_pending(lock);
  }
  const bool was_empty = pending_.empty();
  pending_.append(line);
  // Without a running flusher every line is immediate: nothing would write it otherwise.
  if (immediate || !thread_.joinable()) {
    write_pending(lock);
  } else if (was_empty) {
    // Only the first line of a batch wakes the flusher: no wake-up per line.
    wake_.notify_one();
  }
}

void LineBuffer::flush() {
  std::unique_lock lock(mutex_);
  if (!pending_.empty()) write_pending(lock);
}

void LineBuffer::write_pending(std::unique_lock<std::mutex>& lock) {
  std::string batch;
  batch.swap(pending_);
  pending_.swap(spare_);
  pending_.clear();
  std::size_t calls = 0;
  std::size_t written = 0;
  {
    // Taken before mutex_ is released: a later batch cannot overtake this one.
    std::lock_guard writing(write_mutex_);
    lock.unlock();
    written = write_all(settings_.fd, batch, &calls);
  }
  lock.lock();
  bytes_written_ += written;
  writes_ += calls;
  if (spare_.capacity() < batch.capacity()) {
    batch.clear();
    spare_.swap(batch);
  }
}

void LineBuffer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "regen-log");
    run();
  });
}

void LineBuffer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    // Let the batch fill for one interval; stop() cuts the wait short.
    wake_.wait_for(lock, settings_.interval, [this] { return stopping_; });
    if (!pending_.empty()) write_pending(lock);
  }
}

void LineBuffer::stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread.swap(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
  flush();
}

std::size_t LineBuffer::bytes_written() const {
  std::lock_guard lock(mutex_);
  return bytes_written_;
}

std::size_t LineBuffer::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

}  // namespace regen::logging
