#pragma once
// A stream of generic webhooks from several connections, recording which alerts regend
// acknowledged (200). Used to prove that no acknowledged alert is lost when regend dies.

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"

namespace regen::test {

class AlertStream {
 public:
  // Starts `senders` threads posting distinct generic alerts to 127.0.0.1:port.
  AlertStream(uint16_t port, int senders, int per_sender = 2000) {
    for (int t = 0; t < senders; ++t) {
      threads_.emplace_back([this, port, t, per_sender] {
        for (int i = 0; i < per_sender && !stop_; ++i) {
          std::string id = "stream-" + std::to_string(t) + "-" + std::to_string(i);
          try {
            auto response = http_request(port, "POST", "/api/v1/webhooks/generic",
                                         R"({"title":"t","external_id":")" + id + R"("})");
            ++sent_;
            if (response && response->status == 200) {
              std::lock_guard lock(mutex_);
              acknowledged_.insert(id);
            } else {
              ++failed_;
              note_failure(id + ": " +
                           (response ? std::to_string(response->status) + " " + response->body
                                     : std::string("no response")));
            }
          } catch (const std::exception&) {
            ++failed_;
            return;  // connection refused: regend is gone
          }
        }
      });
    }
  }
  ~AlertStream() { finish(); }

  int sent() const { return sent_.load(); }
  // Requests without a 200: another status, no response, or a refused connection.
  int failed() const { return failed_.load(); }
  // The first failures, one line each ("stream-0-12: no response"), for test messages.
  std::string failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }
  std::size_t acknowledged_count() {
    std::lock_guard lock(mutex_);
    return acknowledged_.size();
  }
  // Stops sending and waits for the senders; returns the acknowledged ids.
  std::set<std::string> finish() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }

 private:
  void note_failure(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (failures_.size() < 2000) failures_ += line + "\n";
  }

  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0};
  std::atomic<int> failed_{0};
  std::mutex mutex_;
  std::set<std::string> acknowledged_;
  std::string failures_;
};

// Ids in `acknowledged` missing from `stored`.
inline std::size_t missing(const std::set<std::string>& acknowledged,
                           const std::set<std::string>& stored) {
  std::size_t count = 0;
  for (const std::string& id : acknowledged) count += stored.count(id) == 0;
  return count;
}

}  // namespace regen::test
