#include "tests/unit/bench/keepalive_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <list>
#include <stdexcept>

namespace regen::ctl::bench::testing {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

int listen_on_loopback(uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 1024) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

uint16_t closed_port() {
  uint16_t port = 0;
  ::close(listen_on_loopback(&port));
  return port;
}

KeepAliveServer::KeepAliveServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = listen_on_loopback(&port_);
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  thread_ = std::thread([this] { serve(); });
}

KeepAliveServer::~KeepAliveServer() {
  const char byte = 0;
  (void)!::write(stop_pipe_[1], &byte, 1);
  thread_.join();
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
  ::close(listen_fd_);
}

std::vector<SeenRequest> KeepAliveServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int KeepAliveServer::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

void KeepAliveServer::serve() {
  std::list<Connection> connections;
  while (true) {
    std::vector<pollfd> fds{{stop_pipe_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const Connection& connection : connections) fds.push_back({connection.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents != 0) break;
    if (fds[1].revents != 0) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        connections.push_back({fd, "", 0});
        std::lock_guard lock(mutex_);
        ++accepted_;
      }
    }
    std::size_t index = 2;
    for (auto it = connections.begin(); it != connections.end(); ++index) {
      bool keep = true;
      if (index < fds.size() && fds[index].revents != 0) {
        char buffer[65536];
        const ssize_t n = ::recv(it->fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
          keep = false;
        } else {
          it->in.append(buffer, static_cast<std::size_t>(n));
          keep = handle(*it);
        }
      }
      if (keep) {
        ++it;
      } else {
        ::close(it->fd);
        it = connections.erase(it);
      }
    }
  }
  for (const Connection& connection : connections) ::close(connection.fd);
}

bool KeepAliveServer::handle(Connection& connection) {
  while (true) {
    const std::size_t end = connection.in.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    SeenRequest request;
    const std::string head = connection.in.substr(0, end + 2);
    const std::size_t line_end = head.find("\r\n");
    const std::string line = head.substr(0, line_end);
    request.method = line.substr(0, line.find(' '));
    request.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    std::size_t at = line_end + 2;
    while (at < head.size()) {
      const std::size_t next = head.find("\r\n", at);
      const std::string header = head.substr(at, next - at);
      const std::size_t colon = header.find(':');
      request.headers[lower(header.substr(0, colon))] =
          header.substr(std::min(header.size(), colon + 2));
      at = next + 2;
    }
    const std::size_t length =
        request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
    if (connection.in.size() < end + 4 + length) return true;
    request.body = connection.in.substr(end + 4, length);
    connection.in.erase(0, end + 4 + length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    const Reply reply = handler_(request, connection.requests++);
    if (reply.action == Reply::Action::kCloseNoAnswer) return false;
    if (reply.action == Reply::Action::kNeverAnswer) continue;
    std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                           "\r\nContent-Type: application/json\r\n" + reply.extra_headers;
    if (reply.chunked) {
      const std::size_t half = reply.body.size() / 2;
      auto chunk = [](const std::string& data) {
        if (data.empty()) return std::string();
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        return std::string(size) + data + "\r\n";
      };
      response += "Transfer-Encoding: chunked\r\n\r\n" + chunk(reply.body.substr(0, half)) +
                  chunk(reply.body.substr(half)) + "0\r\n\r\n";
    } else {
      response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body;
    }
    send_all(connection.fd, response);
    if (reply.action == Reply::Action::kRespondClose) return false;
  }
}

}  // namespace regen::ctl::bench::testing
