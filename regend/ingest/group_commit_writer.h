#pragma once
// The write path: webhook requests enqueue their normalized alerts; one writer thread takes
// everything queued, applies it in ONE transaction, commits, and only then completes each
// waiting request. Many concurrent requests share a commit (and its fsync), which is how
// durable ingestion gets near the storage engine's limit.
//
// The queue is bounded: when it is full, submit() refuses at once and the caller answers 503 +
// Retry-After (never an unbounded buffer in memory; never 429, which Alertmanager drops).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "regend/domain/ingestion.h"
#include "regend/storage/store.h"

namespace regen::ingest {

struct WriterSettings {
  std::size_t max_queued_requests = 4096;  // past it: submit() refuses (503)
  std::size_t max_batch_alerts = 10000;    // alerts per transaction
  domain::IngestionSettings ingestion;
  // Told about each batch after its transaction (metrics), on the writer thread: how long the
  // commit took, retries included, and how many requests it carried. May be empty.
  std::function<void(std::chrono::steady_clock::duration, std::size_t requests)> on_commit;
};

struct WriterStats {
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> committed_requests{0};
  std::atomic<uint64_t> failed_requests{0};
  std::atomic<uint64_t> refused_requests{0};  // queue full
  std::atomic<uint64_t> queue_depth{0};
  std::atomic<uint64_t> last_batch_requests{0};
  std::atomic<uint64_t> last_commit_us{0};
};

class GroupCommitWriter {
 public:
  using Done = std::function<void(Result<domain::SubmissionResult>)>;
  using Clock = std::function<domain::Timestamp()>;

  // `store` must outlive the writer. `clock` gives "now" for each batch (tests set it).
  GroupCommitWriter(storage::Store& store, WriterSettings settings, Clock clock);
  ~GroupCommitWriter();  // stop()s

  void start();
  // Finishes what is queued (each request gets its answer), then stops the thread.
  void stop();

  // Queues a submission. `done` runs on the writer thread after the commit (or failure):
  // the result's counts, or kUnavailable (store down, retry) / kInternal. Returns false, without
  // calling `done`, when the queue is full or the writer is stopping. Any thread.
  bool submit(domain::Submission submission, Done done);

  const WriterStats& stats() const { return stats_; }

 private:
  struct Pending {
    domain::Submission submission;
    Done done;
  };

  void run();
  std::vector<Pending> take_batch();
  void commit(std::vector<Pending>& batch);
  // Answers one request with its result, or with the error that failed its transaction.
  void complete(Pending& pending, const Status& status, const domain::SubmissionResult& result);
  Status apply_all(storage::WriteTx& tx, std::vector<Pending>& batch, std::size_t first,
                   std::size_t count, std::vector<domain::SubmissionResult>& results);

  storage::Store& store_;
  const WriterSettings settings_;
  const Clock clock_;
  WriterStats stats_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;

  domain::RuleSet rules_;  // writer thread only; reloaded when rules_version moves
  bool rules_loaded_ = false;
};

}  // namespace regen::ingest
