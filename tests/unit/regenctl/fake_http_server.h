#pragma once
// Test support: a real TCP listener on 127.0.0.1 (kernel-chosen port) served by a thread that
// answers each connection with the next canned response. It exercises the HTTP client's
// mechanics and regenctl's handling of replies; it does not imitate regend's routes.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace regen::ctl::testing {

struct CannedResponse {
  enum class Action {
    kReply,              // read the request, write `raw`, close
    kReplyKeepOpen,      // read the request, write `raw`, hold the connection open
    kCloseWithoutReply,  // read the request, close
    kNeverReply,         // read the request, then say nothing until destroyed
  };
  Action action = Action::kReply;
  std::string raw;
};

// A complete HTTP/1.1 response with Content-Length and Content-Type: application/json.
// `extra_headers` are whole lines, each ending in "\r\n".
CannedResponse json_reply(int status, const std::string& body,
                          const std::string& extra_headers = "");

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class FakeHttpServer {
 public:
  // Connection i gets responses[i], or the last one once they run out. Listening before the
  // constructor returns.
  explicit FakeHttpServer(std::vector<CannedResponse> responses);
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;
  // Wakes and joins the serving thread.
  ~FakeHttpServer();

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Every request read so far, in order.
  std::vector<ReceivedRequest> requests() const;

 private:
  void serve();
  bool serve_connection(int connection, const CannedResponse& response);
  bool wait_readable(int fd) const;  // false when asked to stop

  std::vector<CannedResponse> responses_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound, then closed) for "connection refused".
uint16_t unused_port();

}  // namespace regen::ctl::testing
