#include "regend/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <cstring>

#include "regend/http/worker.h"

namespace regen::http {

using detail::Connection;
using detail::Worker;
using detail::asio::ip::tcp;
namespace asio = detail::asio;

Limits Limits::from(const config::ServerConfig& server) {
  return Limits{.max_connections = server.max_connections,
                .max_header_bytes = server.max_header_bytes,
                .max_body_bytes = server.max_body_bytes,
                .header_timeout = server.header_timeout,
                .body_timeout = server.body_timeout,
                .idle_timeout = server.idle_timeout,
                .write_timeout = server.write_timeout};
}

class Server::Impl {
 public:
  Impl(Server& owner, unsigned io_threads, Limits limits, Dispatch dispatch,
       RequestObserver* observer)
      : owner_(owner), dispatch_(std::move(dispatch)) {
    auto shared_limits = std::make_shared<const Limits>(limits);
    for (unsigned i = 0; i < io_threads; ++i) {
      workers_.push_back(std::make_unique<Worker>(*this));
      workers_.back()->limits = shared_limits;
    }
    services_.dispatch = &dispatch_;
    services_.stats = &owner_.stats_;
    services_.draining = &owner_.draining_;
    services_.observer = observer;
    services_.on_connection_closed = [this] { check_drained(); };
  }

  Status listen(const config::ListenAddress& address);
  Status adopt(int fd);
  void start();
  void begin_drain(std::function<void()> on_drained);
  void close_all();
  void apply_limits(const Limits& limits);
  void ping(std::function<void()> done);
  void stop();

  std::vector<std::string> addresses_;
  std::vector<std::unique_ptr<Worker>> workers_;

 private:
  asio::awaitable<void> accept_loop(Worker& worker, tcp::acceptor& acceptor);
  void check_drained();
  template <typename F>
  void on_each_worker(F f) {
    for (auto& worker : workers_) asio::post(worker->ioc, [w = worker.get(), f] { f(*w); });
  }

  Server& owner_;
  Dispatch dispatch_;
  detail::SessionServices services_;
  std::vector<int> listen_fds_;
  std::vector<bool> listen_v6_;
  std::function<void()> on_drained_;
  std::atomic<bool> drained_fired_{false};
  std::atomic<int> accept_loops_{0};  // running accept_loop coroutines
  std::atomic<bool> stopped_{false};
};

Status Server::Impl::listen(const config::ListenAddress& address) {
  std::string host = address.host == "localhost" ? "127.0.0.1" : address.host;
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool v6 = host.find(':') != std::string::npos;
  if (v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(address.port);
    if (inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) != 1) {
      return Error{ErrorCode::kInvalidArgument, "invalid listen address " + address.to_string()};
    }
    length = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(address.port);
    if (inet_pton(AF_INET, host.c_str(), &sin->sin_addr) != 1) {
      return Error{ErrorCode::kInvalidArgument, "invalid listen address " + address.to_string()};
    }
    length = sizeof(sockaddr_in);
  }
  int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{ErrorCode::kUnavailable, std::string("socket: ") + strerror(errno)};
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (v6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    int err = errno;
    ::close(fd);
    return Error{ErrorCode::kUnavailable,
                 "cannot listen on " + address.to_string() + ": " + strerror(err)};
  }
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  uint16_t port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                           : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  config::ListenAddress bound{address.host, port};
  listen_fds_.push_back(fd);
  listen_v6_.push_back(v6);
  addresses_.push_back(bound.to_string());
  return {};
}

Status Server::Impl::adopt(int fd) {
  int listening = 0;
  socklen_t option_length = sizeof(listening);
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &option_length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return Error{ErrorCode::kInvalidArgument,
                 "inherited socket " + std::to_string(fd) + ": " + strerror(errno)};
  }
  int type = 0;
  option_length = sizeof(type);
  ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &option_length);
  const bool v6 = storage.ss_family == AF_INET6;
  if (listening == 0 || type != SOCK_STREAM || (!v6 && storage.ss_family != AF_INET)) {
    return Error{ErrorCode::kInvalidArgument,
                 "inherited socket " + std::to_string(fd) +
                     " is not a listening TCP socket (a .socket unit needs ListenStream= with an "
                     "IP address and port)"};
  }
  char host[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  if (v6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
    port = ntohs(sin6->sin6_port);
  } else {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
    port = ntohs(sin->sin_port);
  }
  listen_fds_.push_back(fd);
  listen_v6_.push_back(v6);
  addresses_.push_back(config::ListenAddress{host, port}.to_string());
  return {};
}

void Server::Impl::start() {
  unsigned index = 0;
  for (auto& worker : workers_) {
    worker->guard.emplace(worker->ioc.get_executor());
    for (std::size_t i = 0; i < listen_fds_.size(); ++i) {
      worker->acceptors.emplace_back(worker->ioc, listen_v6_[i] ? tcp::v6() : tcp::v4(),
                                     ::dup(listen_fds_[i]));
    }
    for (tcp::acceptor& acceptor : worker->acceptors) {
      accept_loops_.fetch_add(1);
      asio::co_spawn(worker->ioc, accept_loop(*worker, acceptor), asio::detached);
    }
    worker->thread = std::thread([w = worker.get(), index] {
      std::string name = "regend-io-" + std::to_string(index);
      pthread_setname_np(pthread_self(), name.c_str());
      w->ioc.run();
    });
    ++index;
  }
}

asio::awaitable<void> Server::Impl::accept_loop(Worker& worker, tcp::acceptor& acceptor) {
  // The drain is complete only once every accept loop has ended (check_drained).
  struct Ended {
    Impl& impl;
    ~Ended() {
      impl.accept_loops_.fetch_sub(1);
      impl.check_drained();
    }
  } ended{*this};
  asio::steady_timer backoff(worker.ioc);
  auto last_warning = detail::Clock::time_point::min();
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) co_return;
    // A connection accepted before the drain closed the acceptor is ours: the client has sent
    // its request to it, so the session serves that request (with Connection: close). Dropping
    // it here would close the connection unanswered, and no other instance could take it over.
    if (ec && !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors or memory: back off instead of spinning, warn once a second.
      if (detail::Clock::now() - last_warning > std::chrono::seconds(1)) {
        spdlog::warn("accept failed: {}; backing off", ec.message());
        last_warning = detail::Clock::now();
      }
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (owner_.stats_.open_connections.load() >= worker.limits->max_connections) {
      detail::spawn_rejection(worker, services_, std::move(socket));
    } else {
      detail::spawn_session(worker, services_, std::move(socket));
    }
  }
}

void Server::Impl::begin_drain(std::function<void()> on_drained) {
  on_drained_ = std::move(on_drained);
  owner_.draining_.store(true);
  for (int fd : listen_fds_) ::close(fd);
  listen_fds_.clear();
  on_each_worker([this](Worker& worker) {
    for (tcp::acceptor& acceptor : worker.acceptors) {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    }
    for (Connection* conn : worker.connections) {
      if (conn->phase != Connection::Phase::kIdle || conn->socket.available() != 0) continue;
      if (conn->served_a_request) {
        owner_.stats_.drain_idle_closed.fetch_add(1);
        conn->cancel();
      } else {
        // Accepted but its first request not read yet: give it a short while (worker.h).
        if (conn->deadline > detail::Clock::now() + detail::kDrainFirstRequestWait) {
          conn->set_deadline(detail::kDrainFirstRequestWait);
        }
      }
    }
  });
  check_drained();
}

void Server::Impl::check_drained() {
  if (stopped_.load() || !owner_.draining_.load()) return;
  // An accept loop still running may yet hand over a connection it accepted before the drain.
  if (accept_loops_.load() != 0) return;
  if (owner_.stats_.open_connections.load() != 0) return;
  if (drained_fired_.exchange(true)) return;
  if (on_drained_) on_drained_();
}

void Server::Impl::close_all() {
  on_each_worker([this](Worker& worker) {
    for (Connection* conn : worker.connections) {
      owner_.stats_.drain_forced.fetch_add(1);
      conn->phase = Connection::Phase::kClosing;
      conn->cancel();
    }
  });
}

void Server::Impl::apply_limits(const Limits& limits) {
  auto shared = std::make_shared<const Limits>(limits);
  on_each_worker([shared](Worker& worker) { worker.limits = shared; });
}

void Server::Impl::ping(std::function<void()> done) {
  auto remaining = std::make_shared<std::atomic<std::size_t>>(workers_.size());
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  on_each_worker([remaining, shared_done](Worker&) {
    if (remaining->fetch_sub(1) == 1) (*shared_done)();
  });
}

void Server::Impl::stop() {
  if (stopped_.exchange(true)) return;
  for (auto& worker : workers_) {
    worker->guard.reset();
    worker->ioc.stop();
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  // Acceptors go before their io_context; the io_context (destroyed with the worker) then
  // destroys the suspended sessions, which unregister from the still-live worker.
  for (auto& worker : workers_) worker->acceptors.clear();
  workers_.clear();
  for (int fd : listen_fds_) ::close(fd);
  listen_fds_.clear();
}

Server::Server(unsigned io_threads, Limits limits, Dispatch dispatch, RequestObserver* observer)
    : impl_(std::make_unique<Impl>(*this, io_threads, limits, std::move(dispatch), observer)) {}

Server::~Server() { stop(); }

Status Server::listen(const config::ListenAddress& address) { return impl_->listen(address); }
Status Server::adopt(int fd) { return impl_->adopt(fd); }
std::vector<std::string> Server::listening_addresses() const { return impl_->addresses_; }
void Server::start() { impl_->start(); }
void Server::begin_drain(std::function<void()> on_drained) {
  impl_->begin_drain(std::move(on_drained));
}
void Server::close_all() { impl_->close_all(); }
void Server::apply_limits(const Limits& limits) { impl_->apply_limits(limits); }
void Server::ping_io_threads(std::function<void()> done) { impl_->ping(std::move(done)); }
void Server::stop() { impl_->stop(); }
unsigned Server::io_threads() const { return static_cast<unsigned>(impl_->workers_.size()); }

}  // namespace regen::http
