#include "regend/ingest/writer_pool.h"

#include <functional>
#include <string>
#include <string_view>

namespace regen::ingest {

WriterPool::WriterPool(storage::Store& store, std::size_t writers, WriterSettings settings,
                       GroupCommitWriter::Clock clock) {
  if (writers == 0) writers = 1;
  settings.max_queued_requests = (settings.max_queued_requests + writers - 1) / writers;
  if (writers > 1) {
    auto told = settings.on_rules_loaded;
    settings.on_rules_loaded = [this, told](const domain::RuleSet& rules) {
      rules_loaded(rules);
      if (told) told(rules);
    };
  }
  writers_.reserve(writers);
  for (std::size_t i = 0; i < writers; ++i) {
    WriterSettings own = settings;
    if (writers > 1) own.thread_name += std::to_string(i);
    writers_.push_back(std::make_unique<GroupCommitWriter>(store, std::move(own), clock));
  }
}

WriterPool::~WriterPool() { stop(); }

void WriterPool::start() {
  for (auto& writer : writers_) writer->start();
}

void WriterPool::stop() {
  for (auto& writer : writers_) writer->stop();
}

bool WriterPool::submit(domain::Submission submission, GroupCommitWriter::Done done) {
  const std::size_t writer = writer_for(submission);
  return writers_[writer]->submit(std::move(submission), std::move(done));
}

std::size_t WriterPool::writer_for(const domain::Submission& submission) const {
  if (writers_.size() == 1 || submission.alerts.empty()) return 0;
  const domain::NormalizedAlert& first = submission.alerts.front();
  std::size_t hash = 0;
  std::optional<std::string> group;
  if (std::shared_ptr<const domain::RuleSet> rules = routing_rules()) {
    group = domain::incident_group(*rules, first);
  }
  if (group) {
    hash = std::hash<std::string_view>{}(*group);
  } else {
    // No group: the alert's row is all this submission's first alert locks.
    hash = std::hash<std::string_view>{}(first.source) * 31 +
           std::hash<std::string_view>{}(first.external_id);
  }
  return hash % writers_.size();
}

uint64_t WriterPool::queue_depth() const {
  uint64_t depth = 0;
  for (const auto& writer : writers_) depth += writer->stats().queue_depth.load();
  return depth;
}

uint64_t WriterPool::batches() const {
  uint64_t batches = 0;
  for (const auto& writer : writers_) batches += writer->stats().batches.load();
  return batches;
}

void WriterPool::rules_loaded(const domain::RuleSet& rules) {
  auto loaded = std::make_shared<const domain::RuleSet>(rules);
  std::lock_guard lock(rules_mutex_);
  // Writers may load in any order; a writer whose transaction still saw an older version must
  // not take routing back to it.
  if (routing_rules_ == nullptr || routing_rules_->version <= loaded->version) {
    routing_rules_ = std::move(loaded);
  }
}

std::shared_ptr<const domain::RuleSet> WriterPool::routing_rules() const {
  std::lock_guard lock(rules_mutex_);
  return routing_rules_;
}

}  // namespace regen::ingest
