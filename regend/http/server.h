#pragma once
// The HTTP/1.1 server: N io threads, each with its own io_context and its own acceptor on a
// shared listening socket, so connections never hop threads and sessions need no strands.
// Beast and Asio stay inside server.cpp/session.cpp; this header is cheap to include.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "regend/http/request.h"

namespace regen::http {

// The reloadable limits; each io thread holds a snapshot replaced on reload.
struct Limits {
  unsigned max_connections = 10000;
  uint64_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};

  static Limits from(const config::ServerConfig& server);
};

// Plain counters, written by io threads, read by anyone (status, metrics).
struct ServerStats {
  std::atomic<uint64_t> open_connections{0};
  std::atomic<uint64_t> in_flight_requests{0};
  std::atomic<uint64_t> requests_total{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_rejected{0};  // over max_connections: answered 503
  // Since drain began:
  std::atomic<uint64_t> drain_requests_completed{0};
  std::atomic<uint64_t> drain_idle_closed{0};
  std::atomic<uint64_t> drain_forced{0};
};

// Routes a parsed request and returns the route label (see router::Router::dispatch).
using Dispatch = std::function<std::string_view(Request&, Responder)>;

// Told about every answered request (metrics). Called on the io thread that served it, after
// the response was written; must not block. `route` is the label Dispatch returned ("-" for a
// request refused before routing: 408, 413, 431); it points at storage that outlives the
// server (the router's patterns), so an implementation may key a cache by its address.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void on_response(std::string_view method, std::string_view route, unsigned status,
                           std::chrono::steady_clock::duration elapsed) = 0;
};

class Server {
 public:
  // REQUIRES: io_threads >= 1. `observer` (optional) must outlive the server.
  Server(unsigned io_threads, Limits limits, Dispatch dispatch,
         RequestObserver* observer = nullptr);
  ~Server();  // stops and joins the io threads
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on `address` (port 0: the kernel picks; listening_addresses() tells).
  // Call before start(). Fails with a message naming the address and the OS error.
  Status listen(const config::ListenAddress& address);
  // Serves on an already listening TCP socket handed over by a supervisor (systemd socket
  // activation). The server owns `fd` from now on; the supervisor keeps its own copy, so the
  // socket outlives this process and connections arriving between two instances wait in its
  // backlog. Fails, closing nothing, if `fd` is not a listening IPv4/IPv6 stream socket.
  Status adopt(int fd);
  std::vector<std::string> listening_addresses() const;

  // Starts the io threads and accepting.
  void start();

  // Drain, step by step (any thread):
  // 1. stop accepting: listening sockets close, new connections are refused;
  // 2. responses carry "Connection: close"; connections idle between requests close now;
  // 3. on_drained runs (on an io thread) once no connection is left open;
  // close_all() ends whatever is still open when the drain times out.
  void begin_drain(std::function<void()> on_drained);
  void close_all();
  bool draining() const { return draining_.load(); }

  // Replaces the limits on every io thread (SIGHUP reload). Any thread.
  void apply_limits(const Limits& limits);

  // Runs `done` once every io thread has run a no-op: the watchdog's proof of liveness.
  void ping_io_threads(std::function<void()> done);

  // Stops the io threads; open connections are dropped. Idempotent.
  void stop();

  const ServerStats& stats() const { return stats_; }
  unsigned io_threads() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
  ServerStats stats_;
  std::atomic<bool> draining_{false};
};

}  // namespace regen::http
