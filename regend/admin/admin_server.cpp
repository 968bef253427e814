#include "regend/admin/admin_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <list>

namespace regen::admin {
namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxConnections = 32;
constexpr auto kStopGrace = std::chrono::seconds(2);
constexpr auto kIdleTimeout = std::chrono::seconds(60);

// Is someone accepting on `path`? Decides whether an existing socket file is stale.
bool socket_is_live(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return live;
}

}  // namespace

class AdminServer::Impl {
 public:
  Impl(asio::io_context& ioc, const CommandRegistry& registry)
      : ioc_(ioc), registry_(registry), acceptor_(ioc), stop_timer_(ioc) {}

  Status listen(const std::string& path);
  void start() { asio::co_spawn(ioc_, accept_loop(), asio::detached); }
  void stop(std::function<void()> done);

  std::string path_;

 private:
  struct Session {
    explicit Session(asio::io_context& ioc) : socket(ioc) {}
    stream::socket socket;
    bool busy = false;  // a command is running: its reply must still be written
    // Idle connections would otherwise hold the 32 slots forever and lock regenctl out.
    std::shared_ptr<asio::steady_timer> idle_timer;
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  };

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::list<Session>::iterator session);
  asio::awaitable<Response> run_command(const Request& request);
  void maybe_finish_stop();
  void finish_stop();

  asio::io_context& ioc_;
  const CommandRegistry& registry_;
  stream::acceptor acceptor_;
  std::list<Session> sessions_;
  bool stopping_ = false;
  std::function<void()> on_stopped_;
  asio::steady_timer stop_timer_;
};

Status AdminServer::Impl::listen(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec)
    return Error{ErrorCode::kUnavailable, "cannot create " + parent.string() + ": " + ec.message()};
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Error{ErrorCode::kUnavailable,
                   "admin socket path " + path + " exists and is not a socket"};
    }
    if (socket_is_live(path)) {
      return Error{ErrorCode::kUnavailable,
                   "admin socket " + path + " is in use: is another regend running?"};
    }
    ::unlink(path.c_str());
  }
  boost::system::error_code bind_ec;
  acceptor_.open(stream(), bind_ec);
  // umask at bind time decides the socket's initial mode: never let it be wider than 0660.
  mode_t previous = ::umask(0117);
  if (!bind_ec) acceptor_.bind(stream::endpoint(path), bind_ec);
  ::umask(previous);
  if (!bind_ec) acceptor_.listen(asio::socket_base::max_listen_connections, bind_ec);
  if (bind_ec) {
    return Error{ErrorCode::kUnavailable,
                 "cannot listen on admin socket " + path + ": " + bind_ec.message()};
  }
  ::chmod(path.c_str(), 0660);
  path_ = path;
  return {};
}

asio::awaitable<void> AdminServer::Impl::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      spdlog::warn("admin socket accept failed: {}", ec.message());
      continue;
    }
    if (sessions_.size() >= kMaxConnections) {
      std::string line = encode(Response::failure(kErrBusy, "too many admin connections"));
      boost::system::error_code ignored;
      asio::write(socket, asio::buffer(line), ignored);
      continue;
    }
    sessions_.emplace_back(ioc_);
    sessions_.back().socket = std::move(socket);
    asio::co_spawn(ioc_, serve(std::prev(sessions_.end())), asio::detached);
  }
}

asio::awaitable<Response> AdminServer::Impl::run_command(const Request& request) {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
      [this, &request](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        registry_.dispatch(request, [this, shared](Response response) {
          asio::post(ioc_, [shared, response = std::move(response)]() mutable {
            std::move (*shared)(std::move(response));
          });
        });
      },
      asio::use_awaitable);
}

asio::awaitable<void> AdminServer::Impl::serve(std::list<Session>::iterator session) {
  std::string buffer;
  session->idle_timer = std::make_shared<asio::steady_timer>(ioc_);
  while (!stopping_) {
    session->idle_timer->expires_after(kIdleTimeout);
    session->idle_timer->async_wait(
        [socket = &session->socket, alive = session->alive](boost::system::error_code ec) {
          boost::system::error_code ignored;
          if (!ec && *alive) socket->cancel(ignored);
        });
    auto [ec, length] = co_await asio::async_read_until(
        session->socket, asio::dynamic_buffer(buffer, kMaxLineBytes + 1), '\n', kNoThrow);
    if (ec == asio::error::not_found) {
      std::string line =
          encode(Response::failure(kErrBadRequest, "request line longer than 64 KiB"));
      co_await asio::async_write(session->socket, asio::buffer(line), kNoThrow);
      break;
    }
    if (ec) break;
    std::string_view line(buffer.data(), length - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Response response;
    session->idle_timer->cancel();  // a command may run for long (drain): not idle
    if (line.empty()) {
      buffer.erase(0, length);
      continue;
    }
    Result<Request> request = decode_request(line);
    if (!request) {
      response = Response::failure(kErrBadRequest, request.error().message);
    } else {
      session->busy = true;
      // Read-only commands come from monitoring every few seconds: keep them out of info.
      const std::string& cmd = request.value().cmd;
      spdlog::log(cmd == "status" || cmd == "help" ? spdlog::level::debug : spdlog::level::info,
                  "admin: {}", cmd);
      response = co_await run_command(request.value());
      session->busy = false;
    }
    buffer.erase(0, length);
    std::string reply = encode(response);
    auto [write_ec, written] =
        co_await asio::async_write(session->socket, asio::buffer(reply), kNoThrow);
    if (write_ec) break;
  }
  boost::system::error_code ignored;
  *session->alive = false;
  session->idle_timer->cancel();
  session->socket.close(ignored);
  sessions_.erase(session);
  maybe_finish_stop();
}

void AdminServer::Impl::stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (!path_.empty()) ::unlink(path_.c_str());
  for (Session& session : sessions_) {
    if (!session.busy) session.socket.cancel(ignored);  // waiting for a request: end it now
  }
  stop_timer_.expires_after(kStopGrace);
  stop_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    // A client that never reads its reply must not hold the daemon up: close and move on.
    boost::system::error_code ignored_ec;
    for (Session& session : sessions_) session.socket.close(ignored_ec);
    finish_stop();
  });
  maybe_finish_stop();
}

void AdminServer::Impl::maybe_finish_stop() {
  if (stopping_ && sessions_.empty()) finish_stop();
}

void AdminServer::Impl::finish_stop() {
  if (!on_stopped_) return;
  stop_timer_.cancel();
  auto done = std::move(on_stopped_);
  on_stopped_ = nullptr;
  asio::post(ioc_, std::move(done));
}

AdminServer::AdminServer(asio::io_context& ioc, const CommandRegistry& registry)
    : impl_(std::make_unique<Impl>(ioc, registry)) {}
AdminServer::~AdminServer() = default;
Status AdminServer::listen(const std::string& path) { return impl_->listen(path); }
void AdminServer::start() { impl_->start(); }
void AdminServer::stop(std::function<void()> done) { impl_->stop(std::move(done)); }
const std::string& AdminServer::path() const { return impl_->path_; }

}  // namespace regen::admin
