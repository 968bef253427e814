#pragma once
// A deliberately small blocking HTTP/1.1 client over raw sockets, so tests can also send what
// a real client would not: partial headers, stalled bodies, oversized fields.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace regen::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const;
};

class HttpConnection {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error when the connection is refused.
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  void send_raw(const std::string& bytes);
  // Reads one response (Content-Length framed); nullopt when the peer closes first or the
  // timeout passes.
  std::optional<HttpResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request with Host and Content-Length, then reads the response.
  std::optional<HttpResponse> request(const std::string& method, const std::string& target,
                                      const std::string& body = "",
                                      const std::map<std::string, std::string>& headers = {});
  // True when the server closed the connection (EOF or reset) within `timeout` without
  // sending anything more.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false on EOF/timeout
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
std::optional<HttpResponse> http_request(uint16_t port, const std::string& method,
                                         const std::string& target, const std::string& body = "",
                                         const std::map<std::string, std::string>& headers = {});

// True when nothing accepts connections on 127.0.0.1:port.
bool connection_refused(uint16_t port);

}  // namespace regen::test
