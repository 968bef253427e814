#pragma once
// Internal to regend/http (session.cpp, answer.cpp): where a request's answer goes. Includes
// Asio.

#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string_view>

#include "regend/http/request.h"

namespace regen::http::detail {

namespace asio = boost::asio;

// A request's Responder completion and the session's side of it. A handler that answers on the
// io thread while the session is still dispatching (health, metrics, every error) leaves its
// response here and the session goes on without suspending; otherwise the session parks its
// continuation here and the answer resumes it. One allocation per request, shared by the
// session (until it parks) and the Responder; never held by the Connection: a parked
// continuation owns the session's frame, so a Connection holding it would never be freed.
class Answer final : public Responder::Completion {
 public:
  Answer(asio::io_context::executor_type executor, std::string_view request_id)
      : executor_(executor), request_id_(request_id) {}

  // Any thread. From another thread the answer is posted to the io thread (or held by the
  // thread's AnswerBatch).
  void complete(Response response) override;
  void abandon() override;

  // Io thread: the response, if it has arrived.
  std::optional<Response>& response() { return response_; }

  // Io thread: parks the session until the response arrives. `self` is the session's reference,
  // released here so that only the Responder's side keeps the Answer alive.
  template <typename Handler>
  static void park(std::shared_ptr<Answer> self, Handler handler) {
    self->waiter_ = std::make_unique<WaiterFor<Handler>>(std::move(handler));
  }

  // Io thread, from a handler of our own (not from inside a caller of send()): stores the
  // response, or resumes the parked session with it right here.
  void deliver_here(Response response);

  const asio::io_context::executor_type& executor() const { return executor_; }

 private:
  class Waiter {
   public:
    virtual ~Waiter() = default;
    virtual void resume(Response response) = 0;
  };
  template <typename Handler>
  class WaiterFor final : public Waiter {
   public:
    explicit WaiterFor(Handler handler) : handler_(std::move(handler)) {}
    void resume(Response response) override { std::move(handler_)(std::move(response)); }

   private:
    Handler handler_;
  };

  asio::io_context::executor_type executor_;
  std::string_view request_id_;
  std::optional<Response> response_;  // io thread only
  std::unique_ptr<Waiter> waiter_;    // io thread only
};

}  // namespace regen::http::detail
