// One request on its user's connection: connect, write, read, parse, record; failures and
// timeouts. The scheduling around it (who sends when) is in worker.cpp.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "regenctl/bench/worker.h"
#include "regenctl/bench/worker_vu.h"

namespace regen::ctl::bench {
namespace {

constexpr std::size_t kInitialBuffer = 16 * 1024;
constexpr std::size_t kMaxResponse = 64 * 1024 * 1024;

}  // namespace

std::string error_text(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

bool Worker::open_connection(Vu& vu) {
  const int fd = ::socket(plan_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fail_request(vu, "socket: " + error_text(errno), Failure::kFinal);
    return false;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  vu.fd = fd;
  ++vu.connection_generation;
  vu.responses_on_connection = 0;
  vu.in_length = 0;
  if (vu.in.empty()) vu.in.resize(kInitialBuffer);
  ++stats_.connections_opened;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.u64 = (static_cast<uint64_t>(vu.connection_generation) << 32) | vu.local;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    fail_request(vu, "epoll: " + error_text(errno), Failure::kFinal);
    return false;
  }
  const int status =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&plan_.address), plan_.address_length);
  if (status == 0) {
    vu.connecting = false;
    write_request(vu);
  } else if (errno == EINPROGRESS) {
    vu.connecting = true;
  } else {
    fail_request(vu, error_text(errno), Failure::kFinal);
    return false;
  }
  return true;
}

void Worker::close_connection(Vu& vu) {
  if (vu.fd < 0) return;
  ::close(vu.fd);  // also removes it from the epoll set
  vu.fd = -1;
  vu.write_queued = false;
  vu.connecting = false;
  vu.in_length = 0;
  vu.responses_on_connection = 0;
}

void Worker::on_event(Vu& vu, uint32_t events) {
  const uint32_t generation = vu.connection_generation;
  if (vu.connecting) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(vu.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 || (events & (EPOLLERR | EPOLLHUP)) != 0) {
      fail_request(vu, error_text(error != 0 ? error : ECONNREFUSED), Failure::kFinal);
      return;
    }
    vu.connecting = false;
    if (vu.in_flight) write_request(vu);
    return;
  }
  if ((events & EPOLLOUT) != 0 && vu.in_flight && vu.out_sent < vu.out_size) write_request(vu);
  if (vu.fd < 0 || vu.connection_generation != generation) return;
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) read_response(vu);
}

void Worker::write_request(Vu& vu) {
  vu.write_queued = false;
  if (vu.out_sent == 0) {
    const bool scheduled = vu.step == 0 && vu.origin_ns >= 0;
    vu.sent_ns = scheduled ? vu.origin_ns : monotonic_ns();
  }
  while (vu.out_sent < vu.out_size) {
    const ssize_t n =
        ::send(vu.fd, vu.out_data + vu.out_sent, vu.out_size - vu.out_sent, MSG_NOSIGNAL);
    if (n > 0) {
      vu.out_sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;  // EPOLLOUT resumes
    } else {
      fail_request(vu, error_text(errno), Failure::kRetryable);
      return;
    }
  }
  stats_.requests[vu.step].bytes_sent += vu.out_size;
}

void Worker::read_response(Vu& vu) {
  if (!vu.in_flight) {
    // An idle keep-alive connection: the server closing it is normal; anything else it sends
    // cannot belong to a request, so the connection is dropped either way.
    char scrap[256];
    const ssize_t n = ::recv(vu.fd, scrap, sizeof scrap, 0);
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      close_connection(vu);
    }
    return;
  }
  while (true) {
    if (vu.in.size() - vu.in_length < 4096) {
      if (vu.in.size() >= kMaxResponse) {
        fail_request(vu, "response larger than 64 MiB", Failure::kFinal);
        return;
      }
      vu.in.resize(vu.in.size() * 2);
    }
    const std::size_t space = vu.in.size() - vu.in_length;
    const ssize_t n = ::recv(vu.fd, vu.in.data() + vu.in_length, space, 0);
    if (n > 0) {
      vu.in_length += static_cast<std::size_t>(n);
      stats_.requests[vu.step].bytes_received += static_cast<uint64_t>(n);
      switch (vu.parser.parse(std::string_view(vu.in.data(), vu.in_length))) {
        case ResponseParser::State::kComplete:
          on_response(vu);
          return;
        case ResponseParser::State::kError:
          fail_request(vu, "malformed response: " + std::string(vu.parser.error()),
                       Failure::kFinal);
          return;
        case ResponseParser::State::kNeedMore:
          break;
      }
      // A short read drained the socket; edge-triggered epoll reports the next bytes.
      if (static_cast<std::size_t>(n) < space) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    const int error = n == 0 ? 0 : errno;
    if (vu.in_length > 0 && vu.parser.finish_at_eof(std::string_view(vu.in.data(), vu.in_length)) ==
                                ResponseParser::State::kComplete) {
      on_response(vu);
      return;
    }
    const std::string text =
        error == 0 ? std::string("connection closed before the response") : error_text(error);
    fail_request(vu, text, vu.in_length == 0 ? Failure::kRetryable : Failure::kFinal);
    return;
  }
}

void Worker::on_response(Vu& vu) {
  const int64_t now = monotonic_ns();
  const PreparedRequest& request = plan_.requests[vu.step];
  RequestStats& stats = stats_.requests[vu.step];
  const int status = vu.parser.status();
  const auto latency = static_cast<uint64_t>(std::max<int64_t>(0, now - vu.sent_ns));
  stats.duration.record(latency);
  stats_.all.record(latency);
  ++stats.requests;
  ++stats.statuses[static_cast<std::size_t>(status)];
  if (!request.spec->expected_statuses.contains(status)) ++stats.failed;
  const std::vector<Check>& checks = request.spec->checks;
  if (request.keep_body) {
    boost::system::error_code error;
    const boost::json::value document = boost::json::parse(vu.parser.body(), error);
    const boost::json::value* body = error ? nullptr : &document;
    for (std::size_t i = 0; i < checks.size(); ++i) {
      CheckStats& counts = stats_.checks[request.first_check + i];
      ++(checks[i].passes(status, body) ? counts.passes : counts.fails);
    }
    for (const Extraction& extraction : request.spec->extract) {
      vu.extracted[static_cast<std::size_t>(extraction.slot)] =
          body != nullptr ? extract_text(extraction.path.find(*body)) : std::nullopt;
    }
  } else {
    for (std::size_t i = 0; i < checks.size(); ++i) {
      CheckStats& counts = stats_.checks[request.first_check + i];
      ++(checks[i].passes(status, nullptr) ? counts.passes : counts.fails);
    }
  }
  const std::size_t consumed = vu.parser.consumed();
  vu.in_length -= std::min(consumed, vu.in_length);
  if (vu.in_length > 0) std::memmove(vu.in.data(), vu.in.data() + consumed, vu.in_length);
  vu.in_flight = false;
  --busy_;
  ++vu.responses_on_connection;
  // A response that came before the whole request was written (a 413, say) leaves the
  // connection out of step.
  if (!vu.parser.keep_alive() || vu.out_sent < vu.out_size) close_connection(vu);
  ++vu.step;
  if (vu.step >= plan_.requests.size()) {
    end_iteration(vu, now, false);
  } else if (stopping_) {
    deactivate(vu);  // the rest of the iteration is not sent after the end
  } else {
    send_step(vu);
  }
}

void Worker::fail_request(Vu& vu, const std::string& error, Failure kind) {
  // A kept-alive connection the server closed between requests: try once more on a new one.
  const bool retry = kind == Failure::kRetryable && vu.responses_on_connection > 0 && !vu.retried &&
                     vu.in_length == 0;
  close_connection(vu);
  if (retry) {
    vu.retried = true;
    vu.out_sent = 0;
    open_connection(vu);
    return;
  }
  RequestStats& stats = stats_.requests[vu.step];
  ++stats.requests;
  ++stats.failed;
  ++stats.statuses[0];
  ++stats_.transport_errors[error];
  vu.in_flight = false;
  --busy_;
  if (stopping_) {
    deactivate(vu);
    return;
  }
  end_iteration(vu, monotonic_ns(), true);
}

void Worker::sweep_timeouts(int64_t now) {
  for (auto& vu : vus_) {
    if (vu->in_flight && now >= vu->deadline_ns) {
      fail_request(*vu, "timeout", Failure::kFinal);
    }
  }
}

}  // namespace regen::ctl::bench
