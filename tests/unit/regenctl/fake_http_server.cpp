#include "tests/unit/regenctl/fake_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace regen::ctl::testing {
namespace {

// Binds 127.0.0.1:0; returns the fd (listening when `listen_too`) and fills `port`.
int bind_loopback(bool listen_too, uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      (listen_too && ::listen(fd, 16) != 0) ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("fake http server: cannot bind 127.0.0.1:0");
  }
  port = ntohs(address.sin_port);
  return fd;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

ReceivedRequest parse_request(const std::string& bytes) {
  ReceivedRequest request;
  const std::size_t head_end = bytes.find("\r\n\r\n");
  std::size_t line_end = bytes.find("\r\n");
  const std::string first = bytes.substr(0, line_end);
  request.method = first.substr(0, first.find(' '));
  const std::size_t target_start = first.find(' ') + 1;
  request.target = first.substr(target_start, first.rfind(' ') - target_start);
  std::size_t pos = line_end + 2;
  while (pos < head_end) {
    line_end = bytes.find("\r\n", pos);
    const std::string line = bytes.substr(pos, line_end - pos);
    const std::size_t colon = line.find(':');
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    request.headers[lower(line.substr(0, colon))] = value;
    pos = line_end + 2;
  }
  request.body = bytes.substr(head_end + 4);
  return request;
}

// Whether `bytes` holds a whole request: headers and Content-Length bytes of body.
bool request_complete(const std::string& bytes) {
  const std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const ReceivedRequest request = parse_request(bytes);
  const auto length = request.headers.find("content-length");
  const std::size_t wanted = length == request.headers.end() ? 0 : std::stoul(length->second);
  return bytes.size() - head_end - 4 >= wanted;
}

}  // namespace

CannedResponse json_reply(int status, const std::string& body, const std::string& extra_headers) {
  CannedResponse response;
  response.raw = "HTTP/1.1 " + std::to_string(status) +
                 " Whatever\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
  return response;
}

FakeHttpServer::FakeHttpServer(std::vector<CannedResponse> responses)
    : responses_(std::move(responses)) {
  listen_fd_ = bind_loopback(true, port_);
  if (responses_.empty() || ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    throw std::runtime_error("fake http server: no responses, or no pipe");
  }
  thread_ = std::thread([this] { serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  const char stop = 's';
  [[maybe_unused]] const ssize_t written = ::write(stop_pipe_[1], &stop, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

std::vector<ReceivedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool FakeHttpServer::wait_readable(int fd) const {
  pollfd entries[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
  while (::poll(entries, 2, -1) < 0) {
  }
  return (entries[1].revents & POLLIN) == 0;
}

void FakeHttpServer::serve() {
  for (std::size_t served = 0;; ++served) {
    if (!wait_readable(listen_fd_)) return;
    const int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return;
    const CannedResponse& response = responses_[std::min(served, responses_.size() - 1)];
    if (!serve_connection(connection, response)) return;
  }
}

bool FakeHttpServer::serve_connection(int connection, const CannedResponse& response) {
  using Action = CannedResponse::Action;
  std::string bytes;
  char chunk[4096];
  bool running = true;
  while (!request_complete(bytes) && (running = wait_readable(connection))) {
    const ssize_t got = ::recv(connection, chunk, sizeof chunk, 0);
    if (got <= 0) break;
    bytes.append(chunk, static_cast<std::size_t>(got));
  }
  if (request_complete(bytes)) {
    std::lock_guard lock(mutex_);
    requests_.push_back(parse_request(bytes));
  }
  if (response.action == Action::kReply || response.action == Action::kReplyKeepOpen) {
    std::string_view rest = response.raw;
    while (!rest.empty()) {
      const ssize_t sent = ::send(connection, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (sent <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
  }
  if (response.action == Action::kReplyKeepOpen || response.action == Action::kNeverReply) {
    // Hold the connection open until the client closes it or the server is destroyed.
    while (running && (running = wait_readable(connection)) &&
           ::recv(connection, chunk, sizeof chunk, 0) > 0) {
    }
  }
  ::close(connection);
  return running;
}

uint16_t unused_port() {
  uint16_t port = 0;
  ::close(bind_loopback(false, port));
  return port;
}

}  // namespace regen::ctl::testing
