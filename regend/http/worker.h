#pragma once
// Internal to regend/http (server.cpp, session.cpp): one io thread's state. Includes Asio, so
// nothing outside regend/http includes it.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "regend/http/server.h"

namespace regen::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// One client connection. Shared between its session coroutine and its timer handler, so a
// timer firing after the session ended still touches live memory.
struct Connection : std::enable_shared_from_this<Connection> {
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing };

  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}

  // One timer per connection, re-armed lazily: moving the deadline later (the common case,
  // once per request) costs no timer operation; the timer re-arms itself when it fires early.
  void set_deadline(Clock::duration timeout);
  void set_deadline(Clock::time_point now, Clock::duration timeout);  // `now`: just read
  void clear_deadline() { deadline = Clock::time_point::max(); }
  // Cancels pending socket operations; the session sees operation_aborted and closes.
  void cancel();

  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::time_point::max();
  bool timer_armed = false;
  bool timed_out = false;
  Phase phase = Phase::kIdle;
  // A connection that has not sent its first request yet is not idle between requests: its
  // client connected (perhaps into the backlog, before the drain began) and its request may
  // still be on the wire. The drain waits briefly for it rather than closing it unanswered.
  bool served_a_request = false;
  std::string peer;          // "127.0.0.1:51234"
  std::string peer_address;  // "127.0.0.1" (http::Request::peer_address)
  std::string head;          // the status line and headers of the response being written, reused
  std::string generated_request_id;                // storage for a generated X-Request-ID, reused
  Clock::time_point last_answered = Clock::now();  // accept, then each response's end
  std::list<Connection*>::iterator registration;

 private:
  void arm();
};

// How long a drain waits for the first request on a connection that has not sent one yet.
inline constexpr std::chrono::seconds kDrainFirstRequestWait{2};

struct Worker {
  explicit Worker(Server::Impl& owner) : server(owner) {}

  Server::Impl& server;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::vector<tcp::acceptor> acceptors;
  std::shared_ptr<const Limits> limits;  // replaced on this thread only
  std::list<Connection*> connections;    // touched on this thread only
  std::thread thread;
  // Declared last so it is destroyed first: destroying it destroys suspended sessions, which
  // unregister from `connections` on their way out.
  // One thread runs it and only that thread touches its sockets (see server.cpp), so the
  // per-socket locks of Asio's reactor can go; the scheduler keeps its lock for posts from
  // other threads (the writer's answers, drain, limits).
  asio::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
};

// The parts of Server::Impl that sessions use.
struct SessionServices {
  Dispatch* dispatch;
  ServerStats* stats;
  std::atomic<bool>* draining;
  RequestObserver* observer;                   // may be null
  std::function<void()> on_connection_closed;  // checks for the end of a drain
};

// Session entry points (session.cpp). Both run on the worker's thread.
void spawn_session(Worker& worker, const SessionServices& services, tcp::socket socket);
// Answers 503 (max_connections reached) and closes, without counting as an open connection.
void spawn_rejection(Worker& worker, const SessionServices& services, tcp::socket socket);

}  // namespace regen::http::detail
