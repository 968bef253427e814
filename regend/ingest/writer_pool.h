#pragma once
// Several group-commit writers side by side, each with its own thread, queue and transaction,
// and a router that sends every submission to the writer of its incident group.
//
// Why: one writer runs one transaction at a time, so against PostgreSQL nothing overlaps the
// server's execution of a batch with regend building the next one or answering the last one;
// under a closed loop of clients both cores sat idle about 40 % of each cycle. Two transactions
// in flight overlap, but only if they rarely wait for each other's locks. Ingestion locks an
// incident group (an advisory lock on its key) and the alerts it writes (row locks), and both
// belong to one group: routing by group keeps every writer's locks its own, so the writers'
// transactions proceed side by side instead of queueing on each other
// (docs/notes/write-path-perf.md §9).
//
// Routing is an optimisation, never what keeps the data right: the locks do that, as they do
// between several regend instances. A submission whose alerts span groups of several writers
// goes to the writer of its first alert; rules changed since the router last saw them route a
// group to another writer for a moment. Either way the transactions involved may wait on a lock
// or, at worst, deadlock; PostgreSQL then aborts one, which the writer retries.
//
// SQLite has one write connection: its store takes one writer (writers = 1 routes nothing).

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "regend/ingest/group_commit_writer.h"

namespace regen::ingest {

class WriterPool {
 public:
  // `writers` >= 1 group-commit writers over `store`, each with `settings`; the queue bound
  // (settings.max_queued_requests) is shared out between them, rounded up.
  WriterPool(storage::Store& store, std::size_t writers, WriterSettings settings,
             GroupCommitWriter::Clock clock);
  ~WriterPool();  // stop()s

  void start();
  // Each writer finishes what is queued to it (every request gets its answer), then stops.
  void stop();

  // GroupCommitWriter::submit on the submission's writer (writer_for). Any thread.
  bool submit(domain::Submission submission, GroupCommitWriter::Done done);

  // The writer `submission` goes to: by the incident group of its first alert under the rules
  // the writers last loaded; by the alert's own key when it joins no group (or before any rules
  // are loaded). Always 0 with one writer.
  std::size_t writer_for(const domain::Submission& submission) const;

  std::size_t size() const { return writers_.size(); }
  const WriterStats& stats(std::size_t writer) const { return writers_[writer]->stats(); }
  // Sums over the writers.
  uint64_t queue_depth() const;
  uint64_t batches() const;

 private:
  // Keeps the newest rule set any writer loaded, for writer_for.
  void rules_loaded(const domain::RuleSet& rules);
  std::shared_ptr<const domain::RuleSet> routing_rules() const;

  std::vector<std::unique_ptr<GroupCommitWriter>> writers_;
  mutable std::mutex rules_mutex_;
  std::shared_ptr<const domain::RuleSet> routing_rules_;
};

}  // namespace regen::ingest
