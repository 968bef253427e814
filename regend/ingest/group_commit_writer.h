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
#include <string>
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
  // Runs `complete_all` (which answers every request of a batch), on the writer thread; lets the
  // caller hand the answers over together (http::AnswerBatch). Empty: run directly.
  std::function<void(const std::function<void()>& complete_all)> around_completions;
  // Told about each rule set the writer loads (when rules_version moves), on the writer thread.
  // May be empty.
  std::function<void(const domain::RuleSet&)> on_rules_loaded = nullptr;
  std::string thread_name = "regend-writer";  // at most 15 characters (pthread_setname_np)
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

  // The longest a batch waits for the requests the previous commit answered to come back.
  static constexpr std::chrono::milliseconds kMaxGatherWait{1};

  void run();
  std::chrono::steady_clock::duration gather_wait() const;
  std::vector<Pending> take_batch();
  // Moves queued requests onto `batch` while `alerts` (already in it) plus theirs stays within
  // max_batch_alerts (at least one when `batch` is empty). Returns how many. Holds mutex_.
  std::size_t take_queued(std::unique_lock<std::mutex>& lock, std::vector<Pending>& batch,
                          std::size_t alerts);
  void commit(std::vector<Pending>& batch);
  // Answers one request with its result, or with the error that failed its transaction.
  void complete(Pending& pending, const Status& status, const domain::SubmissionResult& result);
  // Reloads the rules if they changed; returns the batch's "now", shared by all its alerts.
  domain::Timestamp begin_batch(storage::WriteTx& tx);
  void apply_range(storage::WriteTx& tx, std::vector<Pending>& batch, std::size_t first,
                   std::size_t count, domain::Timestamp now,
                   std::vector<domain::SubmissionResult>& results);
  // Applies `batch`, then whatever was queued meanwhile, until the queue is empty or the batch
  // is full; `batch` and `results` grow accordingly.
  Status apply_growing(storage::WriteTx& tx, std::vector<Pending>& batch,
                       std::vector<domain::SubmissionResult>& results);

  storage::Store& store_;
  const WriterSettings settings_;
  const Clock clock_;
  WriterStats stats_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::size_t gather_target_ = 0;  // while the writer waits for this many queued requests
  std::thread thread_;

  // Writer thread only: the previous batch, which predicts how many requests come back.
  std::size_t last_batch_requests_ = 0;
  std::chrono::steady_clock::duration last_commit_{};

  domain::RuleSet rules_;  // writer thread only; reloaded when rules_version moves
  bool rules_loaded_ = false;
};

}  // namespace regen::ingest
