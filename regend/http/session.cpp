// One HTTP/1.1 connection as a coroutine: idle wait → header → body → dispatch → write, with
// a deadline per phase. The shape follows Beast's awaitable server example; the additions are
// the phase deadlines that answer 408, the limits that answer 413/431, and drain awareness.

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>

#include "common/version.h"
#include "regend/http/answer.h"
#include "regend/http/error_response.h"
#include "regend/http/response_head.h"
#include "regend/http/worker.h"
#include "regend/middleware/access_log.h"
#include "regend/middleware/request_id.h"

namespace regen::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using boost::system::error_code;
using RequestMessage = bhttp::request<bhttp::string_body>;
using RequestParser = bhttp::request_parser<bhttp::string_body>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// After an error response the connection closes; reading (and discarding) what the client is
// still sending for a moment lets it see our answer instead of a TCP reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1024 * 1024;
const std::string kServerHeader = std::string("regend/") + kVersion;
// The most one read asks for (Beast's own limit).
constexpr std::size_t kReadSize = 65536;

// Keeps the worker's registry and the open-connection count in step with the coroutine.
class ConnectionScope {
 public:
  ConnectionScope(Worker& worker, const SessionServices& services, Connection& conn)
      : worker_(worker), services_(services), conn_(conn) {
    conn_.registration = worker_.connections.insert(worker_.connections.end(), &conn_);
  }
  ~ConnectionScope() {
    worker_.connections.erase(conn_.registration);
    conn_.clear_deadline();
    conn_.timer.cancel();
    error_code ignored;
    conn_.socket.close(ignored);
    services_.stats->open_connections.fetch_sub(1);
    services_.on_connection_closed();
  }
  ConnectionScope(const ConnectionScope&) = delete;
  ConnectionScope& operator=(const ConnectionScope&) = delete;

 private:
  Worker& worker_;
  const SessionServices& services_;
  Connection& conn_;
};

class InFlight {
 public:
  explicit InFlight(const SessionServices& services) : services_(services) {
    services_.stats->in_flight_requests.fetch_add(1);
  }
  ~InFlight() {
    services_.stats->in_flight_requests.fetch_sub(1);
    if (!answered_) return;  // cut off (timeout, drain forced it, peer gone): not completed
    services_.stats->requests_total.fetch_add(1);
    if (services_.draining->load()) services_.stats->drain_requests_completed.fetch_add(1);
  }
  void answered() { answered_ = true; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  const SessionServices& services_;
  bool answered_ = false;
};

std::string_view lookup_header(const void* source, std::string_view name) {
  const auto& message = *static_cast<const RequestMessage*>(source);
  auto it = message.find(name);
  if (it == message.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

std::string lookup_header_list(const void* source, std::string_view name) {
  const auto& message = *static_cast<const RequestMessage*>(source);
  std::string joined;
  auto [first, last] = message.equal_range(name);
  for (auto it = first; it != last; ++it) {
    if (!joined.empty()) joined += ", ";
    joined.append(it->value().data(), it->value().size());
  }
  return joined;
}

// Routes the request. Returns the Answer, whose response is already there when the handler
// answered before returning.
std::shared_ptr<Answer> start_dispatch(Worker& worker, const SessionServices& services,
                                       Request& request, std::string_view* route) {
  // Recycled through the io thread's cache, like Asio's own per-operation state.
  auto answer = std::allocate_shared<Answer>(asio::recycling_allocator<Answer>(),
                                             worker.ioc.get_executor(), request.request_id);
  try {
    *route = (*services.dispatch)(request, Responder(answer));
  } catch (const std::exception& e) {
    // The Responder was destroyed during unwinding and has answered 500 already.
    spdlog::error("request {}: handler threw: {}", request.request_id, e.what());
  }
  return answer;
}

// Parks the session on `answer` until the response arrives. `answer` is moved into the
// initiation, so the session's frame does not hold it while it waits (see Answer).
auto wait_for(std::shared_ptr<Answer> answer) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(
      [answer = std::move(answer)](auto handler) mutable {
        Answer::park(std::move(answer), std::move(handler));
      },
      asio::use_awaitable);
}

// Parses what `buffer` holds until `done(parser)`. need_more: `done` needs bytes that have not
// arrived. A request that came in one segment (nearly all) is parsed here whole, without
// suspending and without a coroutine frame; read_more is entered only when a read is needed.
template <typename Condition>
error_code parse_buffered(beast::flat_buffer& buffer, RequestParser& parser, Condition done) {
  while (!done(parser)) {
    if (buffer.size() == 0) return bhttp::error::need_more;
    error_code ec;
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec) return ec;  // need_more included: a partial header stays in the buffer
  }
  return {};
}

// Beast's async_read / async_read_header, after parse_buffered asked for more: reads until
// `done(parser)` or an error.
template <typename Condition>
asio::awaitable<error_code> read_more(tcp::socket& socket, beast::flat_buffer& buffer,
                                      RequestParser& parser, Condition done) {
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(
        buffer.prepare(beast::read_size(buffer, kReadSize)), kNoThrow);
    buffer.commit(n);
    if (ec == asio::error::eof) {
      // As Beast: EOF ends a message that has no length (put_eof decides), else it is an error.
      if (!parser.got_some()) co_return bhttp::error::end_of_stream;
      error_code eof_ec;
      parser.put_eof(eof_ec);
      co_return eof_ec;
    }
    if (ec) co_return ec;
    error_code parsed = parse_buffered(buffer, parser, done);
    if (parsed != bhttp::error::need_more) co_return parsed;
  }
}

// How far a response's bytes got.
struct Sending {
  std::size_t sent = 0;
  std::size_t total = 0;
  bool failed = false;

  bool pending() const { return !failed && sent < total; }
  std::size_t written() const { return failed ? 0 : sent; }
};

// Writes the head into conn.head and sends as much of head and body as the socket takes now:
// a plain non-blocking send (the socket buffer nearly always has room), so the common case
// neither suspends nor needs a coroutine frame.
Sending start_response(Connection& conn, const Response& response, unsigned version,
                       bool keep_alive, std::string_view request_id) {
  write_response_head(conn.head, response, version, keep_alive, kServerHeader, request_id);
  conn.phase = Connection::Phase::kWriting;
  Sending sending{.total = conn.head.size() + response.body.size()};
  error_code ec;
  sending.sent = conn.socket.send(
      std::array<asio::const_buffer, 2>{asio::buffer(conn.head), asio::buffer(response.body)}, 0,
      ec);
  sending.failed = ec && ec != asio::error::would_block;
  return sending;
}

// Writes what start_response could not, under the write timeout. Returns the bytes written in
// all, 0 when the connection failed.
asio::awaitable<std::size_t> finish_response(Connection& conn, const Limits& limits,
                                             const Response& response, Sending sending) {
  conn.set_deadline(limits.write_timeout);
  std::array<asio::const_buffer, 2> rest{asio::buffer(conn.head), asio::buffer(response.body)};
  if (sending.sent < conn.head.size()) {
    rest[0] += sending.sent;
  } else {
    rest[0] = asio::const_buffer();
    rest[1] += sending.sent - conn.head.size();
  }
  auto [write_ec, written] = co_await asio::async_write(conn.socket, rest, kNoThrow);
  co_return write_ec ? 0 : sending.total;
}

// start_response and finish_response in one, for the error answers.
asio::awaitable<std::size_t> write_response(Connection& conn, const Limits& limits,
                                            const Response& response, unsigned version,
                                            bool keep_alive, std::string_view request_id) {
  Sending sending = start_response(conn, response, version, keep_alive, request_id);
  if (!sending.pending()) co_return sending.written();
  std::size_t written = co_await finish_response(conn, limits, response, sending);
  co_return written;
}

asio::awaitable<void> linger_and_close(Connection& conn) {
  error_code ignored;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn.set_deadline(kLingerTime);
  std::array<char, 4096> scratch;
  std::size_t discarded = 0;
  while (discarded < kLingerBytes) {
    auto [ec, n] = co_await conn.socket.async_read_some(asio::buffer(scratch), kNoThrow);
    if (ec) break;
    discarded += n;
  }
  conn.socket.close(ignored);
}

// Answers a request that could not be read (timeout, limits, malformed) and closes.
// `incoming_id`: the client's X-Request-ID when its headers were read (echoed if acceptable).
asio::awaitable<void> reject_request(Connection& conn, const Limits& limits, ErrorCode code,
                                     std::string message, Clock::time_point started,
                                     std::optional<int> retry_after_s = std::nullopt,
                                     std::string_view incoming_id = {},
                                     RequestObserver* observer = nullptr) {
  std::string generated;
  std::string request_id(middleware::choose_request_id(incoming_id, generated));
  Response response = error_response(code, message, request_id);
  if (retry_after_s) response.headers.emplace_back("Retry-After", std::to_string(*retry_after_s));
  unsigned status = response.status;
  std::size_t written = co_await write_response(conn, limits, response, 11, false, request_id);
  middleware::log_access({.method = "",
                          .route = "-",
                          .path = "",
                          .status = status,
                          .duration = Clock::now() - started,
                          .bytes_in = 0,
                          .bytes_out = written,
                          .request_id = request_id,
                          .client = conn.peer,
                          .peer = conn.peer});
  if (observer != nullptr && written > 0) {
    observer->on_response("", "-", status, Clock::now() - started);
  }
  co_await linger_and_close(conn);
}

// What a failed read means for the client: an answer, or (nullopt) a quiet close.
struct ReadFailure {
  ErrorCode code;
  std::string message;
};
std::optional<ReadFailure> classify_read_error(const Connection& conn, error_code ec,
                                               const Limits& limits, bool in_body) {
  if (conn.phase == Connection::Phase::kClosing) return std::nullopt;
  if (conn.timed_out) {
    return ReadFailure{ErrorCode::kRequestTimeout,
                       in_body ? "request body not received within the body timeout"
                               : "request header not received within the header timeout"};
  }
  if (ec == bhttp::error::header_limit) {
    return ReadFailure{
        ErrorCode::kHeaderTooLarge,
        "request header larger than " + std::to_string(limits.max_header_bytes) + " bytes"};
  }
  if (ec == bhttp::error::body_limit) {
    return ReadFailure{
        ErrorCode::kPayloadTooLarge,
        "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes"};
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return ReadFailure{ErrorCode::kInvalidArgument, "malformed HTTP request: " + ec.message()};
  }
  return std::nullopt;  // peer closed, reset or cancelled: nobody to answer
}

// Serves the connection's requests, one per iteration, until it closes. One coroutine for
// them all rather than one per request: this frame (~1.5 KB, with the parser, the request and
// the response in it) is larger than Asio recycles, so a frame per request was a malloc and
// a free per request.
asio::awaitable<void> serve_requests(Worker& worker, const SessionServices& services,
                                     Connection& conn, beast::flat_buffer& buffer) {
  for (;;) {
    std::shared_ptr<const Limits> limits = worker.limits;
    if (buffer.size() == 0) {
      // The client sends its next request only once it has our answer, so a read issued now
      // would find nothing: Asio tries every read at once (a recvfrom that fails with EAGAIN)
      // before it waits on epoll. Queued behind the other connections' ready work, the read
      // usually finds the request there and takes it without a wait. Before the drain check
      // below: a drain that begins meanwhile finds this connection not yet idle and leaves it
      // to that check.
      if (conn.served_a_request) {
        co_await asio::post(conn.socket.get_executor(), asio::use_awaitable);
        if (conn.phase == Connection::Phase::kClosing) co_return;  // close_all() meanwhile
      }
      // Draining: a connection idle between requests closes; one whose next request is already
      // in the kernel buffer is served (with Connection: close), and so is the first request of
      // a connection that has not sent one yet, if it comes soon (worker.h).
      const bool draining = services.draining->load();
      if (draining && conn.served_a_request && conn.socket.available() == 0) {
        services.stats->drain_idle_closed.fetch_add(1);  // as begin_drain() counts its own
        co_return;
      }
      conn.phase = Connection::Phase::kIdle;
      // Counted from the end of the previous response (or the accept): no clock read here.
      conn.set_deadline(
          conn.last_answered,
          draining ? std::min<Clock::duration>(limits->idle_timeout, kDrainFirstRequestWait)
                   : Clock::duration(limits->idle_timeout));
      // A read rather than a wait for readability: Asio registers the socket with epoll once, but
      // re-arms it (epoll_ctl) for every wait; a read waits on the registration it has.
      auto [ec, n] = co_await conn.socket.async_read_some(
          buffer.prepare(beast::read_size(buffer, kReadSize)), kNoThrow);
      if (ec || conn.phase == Connection::Phase::kClosing) co_return;
      buffer.commit(n);
    }

    conn.phase = Connection::Phase::kReading;
    const Clock::time_point started = Clock::now();
    conn.set_deadline(started, limits->header_timeout);
    RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(limits->max_header_bytes));
    parser.body_limit(limits->max_body_bytes);
    const auto header_done = [](const RequestParser& p) { return p.is_header_done(); };
    error_code header_ec = parse_buffered(buffer, parser, header_done);
    if (header_ec == bhttp::error::need_more) {
      header_ec = co_await read_more(conn.socket, buffer, parser, header_done);
    }
    if (header_ec) {
      if (auto failure = classify_read_error(conn, header_ec, *limits, false)) {
        co_await reject_request(conn, *limits, failure->code, failure->message, started,
                                std::nullopt, {}, services.observer);
      }
      co_return;
    }

    InFlight in_flight(services);
    RequestMessage& message = parser.get();
    std::size_t body_bytes = 0;
    if (!parser.is_done()) {
      if (beast::iequals(message[bhttp::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(conn.socket, asio::buffer(kContinue), kNoThrow);
      }
      conn.set_deadline(limits->body_timeout);
      const auto body_done = [](const RequestParser& p) { return p.is_done(); };
      error_code body_ec = parse_buffered(buffer, parser, body_done);
      if (body_ec == bhttp::error::need_more) {
        body_ec = co_await read_more(conn.socket, buffer, parser, body_done);
      }
      if (body_ec) {
        if (auto failure = classify_read_error(conn, body_ec, *limits, true)) {
          co_await reject_request(conn, *limits, failure->code, failure->message, started,
                                  std::nullopt, lookup_header(&message, "X-Request-ID"),
                                  services.observer);
        }
        co_return;
      }
      body_bytes = message.body().size();
    }

    Request request;
    request.method = message.method_string();
    request.target = message.target();
    std::size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
    request.body = message.body();
    request.client = conn.peer;
    request.peer_address = conn.peer_address;
    request.request_id =
        middleware::choose_request_id(message["X-Request-ID"], conn.generated_request_id);
    request.set_header_source(&message, &lookup_header, &lookup_header_list);

    conn.phase = Connection::Phase::kHandling;
    conn.clear_deadline();
    std::string_view route = "-";
    std::shared_ptr<Answer> answer = start_dispatch(worker, services, request, &route);
    // Not a conditional expression nor `co_return co_await`: g++ 12 destroys the temporaries
    // around a co_await of a class type twice in those.
    Response response;
    if (answer->response()) {
      response = std::move(*answer->response());
    } else {
      response = co_await wait_for(std::move(answer));
    }
    if (conn.phase == Connection::Phase::kClosing) co_return;

    const bool keep_alive = message.keep_alive() && !services.draining->load();
    const unsigned status = response.status;
    Sending sending =
        start_response(conn, response, message.version(), keep_alive, request.request_id);
    std::size_t written = sending.written();
    if (sending.pending()) written = co_await finish_response(conn, *limits, response, sending);
    conn.last_answered = Clock::now();
    middleware::log_access({.method = request.method,
                            .route = route,
                            .path = request.path,
                            .status = status,
                            .duration = conn.last_answered - started,
                            .bytes_in = body_bytes,
                            .bytes_out = written,
                            .request_id = request.request_id,
                            .client = request.client_address.empty()
                                          ? request.client
                                          : std::string_view(request.client_address),
                            .peer = conn.peer});
    conn.served_a_request = true;
    if (written > 0) {
      in_flight.answered();
      if (services.observer != nullptr) {
        services.observer->on_response(request.method, route, status, conn.last_answered - started);
      }
    }
    if (written == 0 || !keep_alive) co_return;
  }
}

asio::awaitable<void> run_session(Worker& worker, SessionServices services,
                                  std::shared_ptr<Connection> conn) {
  ConnectionScope scope(worker, services, *conn);
  beast::flat_buffer buffer;
  try {
    co_await serve_requests(worker, services, *conn, buffer);
  } catch (const std::exception& e) {
    spdlog::error("connection {}: {}", conn->peer, e.what());
  }
}

asio::awaitable<void> run_rejection(std::shared_ptr<Connection> conn, Limits limits) {
  co_await reject_request(*conn, limits, ErrorCode::kUnavailable,
                          "too many open connections; retry shortly", Clock::now(),
                          /*retry_after_s=*/1);
  conn->clear_deadline();
  conn->timer.cancel();
}

// Sets conn.peer ("IP:PORT", "[V6]:PORT") and conn.peer_address (the IP alone, IPv4-mapped
// addresses as IPv4), once per connection rather than per request.
void describe_peer(Connection& conn) {
  error_code ec;
  tcp::endpoint endpoint = conn.socket.remote_endpoint(ec);
  if (ec) {
    conn.peer = conn.peer_address = "-";
    return;
  }
  asio::ip::address address = endpoint.address();
  std::string text = address.to_string();
  conn.peer = (address.is_v6() ? "[" + text + "]" : text) + ":" + std::to_string(endpoint.port());
  if (address.is_v6() && address.to_v6().scope_id() != 0) {
    // "fe80::1%eth0" is no address the resolver parses: such a peer is named as a whole, as
    // ClientAddressResolver::resolve() names a peer it cannot parse.
    conn.peer_address = conn.peer;
    return;
  }
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    text = address.to_string();
  }
  conn.peer_address = std::move(text);
}

}  // namespace

void Connection::set_deadline(Clock::duration timeout) { set_deadline(Clock::now(), timeout); }

void Connection::set_deadline(Clock::time_point now, Clock::duration timeout) {
  deadline = now + timeout;
  timed_out = false;
  if (!timer_armed || timer.expiry() > deadline) arm();
}

void Connection::arm() {
  timer.expires_at(deadline);  // a pending wait completes with operation_aborted
  timer_armed = true;
  timer.async_wait([self = shared_from_this()](error_code ec) {
    if (ec == asio::error::operation_aborted) return;  // re-armed or closing
    self->timer_armed = false;
    if (self->deadline == Clock::time_point::max()) return;
    if (Clock::now() < self->deadline) {
      self->arm();  // the deadline moved later since this wait began
      return;
    }
    self->timed_out = true;
    self->cancel();
  });
}

void Connection::cancel() {
  error_code ignored;
  socket.cancel(ignored);
}

void spawn_session(Worker& worker, const SessionServices& services, tcp::socket socket) {
  services.stats->open_connections.fetch_add(1);
  services.stats->connections_accepted.fetch_add(1);
  auto conn = std::make_shared<Connection>(std::move(socket));
  describe_peer(*conn);
  // Sends are tried synchronously first (start_response); they must never block.
  error_code ignored;
  conn->socket.non_blocking(true, ignored);
  asio::co_spawn(worker.ioc, run_session(worker, services, std::move(conn)), asio::detached);
}

void spawn_rejection(Worker& worker, const SessionServices& services, tcp::socket socket) {
  services.stats->connections_rejected.fetch_add(1);
  auto conn = std::make_shared<Connection>(std::move(socket));
  describe_peer(*conn);
  error_code ignored;
  conn->socket.non_blocking(true, ignored);
  asio::co_spawn(worker.ioc, run_rejection(std::move(conn), *worker.limits), asio::detached);
}

}  // namespace regen::http::detail
