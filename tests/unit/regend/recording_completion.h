#pragma once
// A Responder::Completion that records what happened to it, for tests of code that answers
// through a Responder. The record outlives the Responder (and the completion it owns).

#include <memory>
#include <utility>
#include <vector>

#include "regend/http/request.h"

namespace regen::testing {

struct CompletionRecord {
  std::vector<http::Response> completed;
  int abandoned = 0;
};

class RecordingCompletion final : public http::Responder::Completion {
 public:
  explicit RecordingCompletion(std::shared_ptr<CompletionRecord> record)
      : record_(std::move(record)) {}
  void complete(http::Response response) override {
    record_->completed.push_back(std::move(response));
  }
  void abandon() override { ++record_->abandoned; }

 private:
  std::shared_ptr<CompletionRecord> record_;
};

// A Responder whose outcome lands in `record`.
inline http::Responder recording_responder(const std::shared_ptr<CompletionRecord>& record) {
  return http::Responder(std::make_unique<RecordingCompletion>(record));
}

}  // namespace regen::testing
