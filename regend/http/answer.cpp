#include "regend/http/answer.h"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <utility>
#include <vector>

#include "regend/http/answer_batch.h"
#include "regend/http/error_response.h"

namespace regen::http {
namespace detail {
namespace {

using Held = std::vector<std::pair<std::shared_ptr<Answer>, Response>>;

// The open AnswerBatch's answers on this thread; null while none is open.
thread_local Held* t_held = nullptr;

void deliver_all(Held answers) {
  for (auto& [answer, response] : answers) answer->deliver_here(std::move(response));
}

}  // namespace

void Answer::complete(Response response) {
  if (executor_.running_in_this_thread()) {
    // Called on the io thread, possibly from inside dispatch, possibly by code that goes on
    // after send(): store, or resume the session later rather than on that caller's stack.
    if (waiter_ == nullptr) {
      response_ = std::move(response);
      return;
    }
    asio::post(executor_, [waiter = std::move(waiter_), response = std::move(response)]() mutable {
      waiter->resume(std::move(response));
    });
    return;
  }
  auto self = std::static_pointer_cast<Answer>(shared_from_this());
  if (t_held != nullptr) {
    t_held->emplace_back(std::move(self), std::move(response));
    return;
  }
  asio::post(executor_, [self = std::move(self), response = std::move(response)]() mutable {
    self->deliver_here(std::move(response));
  });
}

void Answer::abandon() {
  spdlog::error("request {}: handler dropped its responder without answering", request_id_);
  complete(error_response(ErrorCode::kInternal, "internal error", request_id_));
}

void Answer::deliver_here(Response response) {
  if (waiter_ == nullptr) {
    response_ = std::move(response);
    return;
  }
  std::unique_ptr<Waiter> waiter = std::move(waiter_);
  waiter->resume(std::move(response));
}

}  // namespace detail

AnswerBatch::AnswerBatch() : outermost_(detail::t_held == nullptr) {
  if (outermost_) detail::t_held = new detail::Held();
}

AnswerBatch::~AnswerBatch() {
  if (!outermost_) return;
  std::unique_ptr<detail::Held> held(detail::t_held);
  detail::t_held = nullptr;
  // One hand-off per io thread, each carrying that thread's answers in the order they were sent.
  while (!held->empty()) {
    const auto executor = held->front().first->executor();
    detail::Held mine;
    detail::Held others;
    for (auto& item : *held) {
      (item.first->executor() == executor ? mine : others).push_back(std::move(item));
    }
    boost::asio::post(executor, [answers = std::move(mine)]() mutable {
      detail::deliver_all(std::move(answers));
    });
    held->swap(others);
  }
}

}  // namespace regen::http
