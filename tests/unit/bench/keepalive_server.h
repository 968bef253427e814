#pragma once
// Test support: a small keep-alive HTTP/1.1 server on 127.0.0.1 (kernel-chosen port), one
// thread polling every connection, answering each request with what the handler returns. Lets
// the load generator's engine be tested for exact counts without a regend.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace regen::ctl::bench::testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct Reply {
  enum class Action {
    kRespond,        // write the response, keep the connection
    kRespondClose,   // write the response, then close (without saying so in a header)
    kCloseNoAnswer,  // close without answering
    kNeverAnswer,    // say nothing, keep the connection open
  };
  Action action = Action::kRespond;
  int status = 200;
  std::string body = "{}";
  std::string extra_headers;  // whole lines, each ending in "\r\n"
  bool chunked = false;
};

class KeepAliveServer {
 public:
  using Handler = std::function<Reply(const SeenRequest& request, int connection_requests)>;

  // `handler` runs on the server thread; `connection_requests` counts requests on the same
  // connection before this one.
  explicit KeepAliveServer(Handler handler);
  ~KeepAliveServer();
  KeepAliveServer(const KeepAliveServer&) = delete;
  KeepAliveServer& operator=(const KeepAliveServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> requests() const;
  int connections_accepted() const;

 private:
  struct Connection {
    int fd = -1;
    std::string in;
    int requests = 0;
  };
  void serve();
  // False when the connection is to be closed.
  bool handle(Connection& connection);

  Handler handler_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
  int accepted_ = 0;
  std::thread thread_;
};

// A 127.0.0.1 port where nothing listens.
uint16_t closed_port();

}  // namespace regen::ctl::bench::testing
