#include "regend/ingest/group_commit_writer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace regen::ingest {

GroupCommitWriter::GroupCommitWriter(storage::Store& store, WriterSettings settings, Clock clock)
    : store_(store), settings_(settings), clock_(std::move(clock)) {}

GroupCommitWriter::~GroupCommitWriter() { stop(); }

void GroupCommitWriter::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), settings_.thread_name.c_str());
    run();
  });
}

void GroupCommitWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool GroupCommitWriter::submit(domain::Submission submission, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= settings_.max_queued_requests) {
      stats_.refused_requests.fetch_add(1);
      return false;
    }
    queue_.push_back(Pending{std::move(submission), std::move(done)});
    stats_.queue_depth.store(queue_.size());
    // The writer waits for the first request, or for gather_target_ of them: waking it for
    // any other would only make it check and sleep again.
    if (queue_.size() != 1 && (gather_target_ == 0 || queue_.size() != gather_target_)) {
      return true;
    }
  }
  wake_.notify_one();
  return true;
}

std::chrono::steady_clock::duration GroupCommitWriter::gather_wait() const {
  return std::min<std::chrono::steady_clock::duration>(kMaxGatherWait, last_commit_ / 2);
}

void GroupCommitWriter::run() {
  while (true) {
    std::vector<Pending> batch = take_batch();
    if (batch.empty()) return;  // stopping and nothing left
    commit(batch);
  }
}

std::vector<GroupCommitWriter::Pending> GroupCommitWriter::take_batch() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  // Group commit waits for its followers. The requests answered by the last commit are, for the
  // most part, about to come back as their connections' next requests; starting at once with
  // the first arrivals would leave the rest for the commit after, halving every batch. So wait
  // until as many are queued as the last batch had, for a small part of a commit at most.
  if (!stopping_ && queue_.size() < last_batch_requests_) {
    gather_target_ = last_batch_requests_;
    wake_.wait_for(lock, gather_wait(),
                   [this] { return stopping_ || queue_.size() >= gather_target_; });
    gather_target_ = 0;
  }
  std::vector<Pending> batch;
  take_queued(lock, batch, 0);
  return batch;
}

std::size_t GroupCommitWriter::take_queued(std::unique_lock<std::mutex>&,
                                           std::vector<Pending>& batch, std::size_t alerts) {
  const std::size_t taken_before = batch.size();
  // Always take at least one request, however large: a request is never split.
  while (!queue_.empty() && (batch.empty() || alerts + queue_.front().submission.alerts.size() <=
                                                  settings_.max_batch_alerts)) {
    alerts += queue_.front().submission.alerts.size();
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  stats_.queue_depth.store(queue_.size());
  return batch.size() - taken_before;
}

domain::Timestamp GroupCommitWriter::begin_batch(storage::WriteTx& tx) {
  int64_t version = tx.rules_version();
  if (!rules_loaded_ || version != rules_.version) {
    rules_ = tx.load_rules();
    rules_loaded_ = true;
    if (settings_.on_rules_loaded) settings_.on_rules_loaded(rules_);
  }
  return clock_();
}

void GroupCommitWriter::apply_range(storage::WriteTx& tx, std::vector<Pending>& batch,
                                    std::size_t first, std::size_t count, domain::Timestamp now,
                                    std::vector<domain::SubmissionResult>& results) {
  std::vector<const domain::Submission*> submissions;
  submissions.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) submissions.push_back(&batch[i].submission);
  std::vector<domain::SubmissionResult> applied =
      domain::apply(tx, rules_, submissions, now, settings_.ingestion);
  std::move(applied.begin(), applied.end(), results.begin() + static_cast<std::ptrdiff_t>(first));
}

Status GroupCommitWriter::apply_growing(storage::WriteTx& tx, std::vector<Pending>& batch,
                                        std::vector<domain::SubmissionResult>& results) {
  const domain::Timestamp now = begin_batch(tx);
  std::size_t applied = 0;
  std::size_t alerts = 0;
  while (true) {
    results.resize(batch.size());
    apply_range(tx, batch, applied, batch.size() - applied, now, results);
    for (; applied < batch.size(); ++applied) alerts += batch[applied].submission.alerts.size();
    // Requests that arrived while this transaction was being built join it: the commit (and
    // its fsync) is the expensive part, and its connections' next requests are typically
    // already on their way. Without this, a connection answered by one commit misses the next
    // one, which started at once with whatever was queued, and every batch is half as large.
    std::unique_lock lock(mutex_);
    if (take_queued(lock, batch, alerts) == 0) return {};
  }
}

void GroupCommitWriter::complete(Pending& pending, const Status& status,
                                 const domain::SubmissionResult& result) {
  if (status) {
    stats_.committed_requests.fetch_add(1);
    pending.done(result);
  } else {
    stats_.failed_requests.fetch_add(1);
    pending.done(status.error());
  }
}

void GroupCommitWriter::commit(std::vector<Pending>& batch) {
  std::vector<domain::SubmissionResult> results(batch.size());
  auto started = std::chrono::steady_clock::now();
  auto write_batch = [&] {
    return store_.write([&](storage::WriteTx& tx) { return apply_growing(tx, batch, results); });
  };
  Status status = write_batch();
  // kUnavailable may be a lost race (another instance inserted the same alert first) rather
  // than an outage; one immediate retry sees the winner's row. A real outage fails again fast.
  if (!status && status.error().code == ErrorCode::kUnavailable) status = write_batch();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  stats_.last_commit_us.store(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  if (settings_.on_commit) settings_.on_commit(elapsed, batch.size());
  stats_.batches.fetch_add(1);
  stats_.last_batch_requests.store(batch.size());
  last_batch_requests_ = batch.size();
  last_commit_ = elapsed;
  if (!status && status.error().code != ErrorCode::kUnavailable && batch.size() > 1) {
    // Not an outage but this batch's data: commit each request alone, so one bad request
    // cannot fail the others that happened to share its transaction.
    spdlog::warn("batch of {} requests failed ({}); retrying them one by one", batch.size(),
                 status.error().message);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Status single = store_.write([&](storage::WriteTx& tx) {
        apply_range(tx, batch, i, 1, begin_batch(tx), results);
        return Status{};
      });
      complete(batch[i], single, results[i]);
    }
    return;
  }
  const std::function<void()> complete_all = [&] {
    for (std::size_t i = 0; i < batch.size(); ++i) complete(batch[i], status, results[i]);
  };
  if (settings_.around_completions) {
    settings_.around_completions(complete_all);
  } else {
    complete_all();
  }
  // The rules cache may hold rules from a rolled-back read; reload on the next batch.
  if (!status) rules_loaded_ = false;
}

}  // namespace regen::ingest
