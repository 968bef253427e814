#include "regenctl/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <system_error>

#include "regenctl/admin_client.h"
#include "regenctl/socket_io.h"

namespace regen::ctl {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

Error invalid_url(std::string_view url, std::string why) {
  return Error(ErrorCode::kInvalidArgument,
               "invalid API URL '" + std::string(url) + "': " + std::move(why));
}

std::string errno_text(int err) { return std::generic_category().message(err); }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::size_t> parse_size(std::string_view text) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

TransportError malformed(std::string why) { return TransportError{"malformed response: " + why}; }

// "HTTP/1.1 200 OK" -> 200.
std::optional<int> parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return std::nullopt;
  const std::string_view code = line.substr(9, 3);
  int status = 0;
  const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (ec != std::errc() || ptr != code.data() + code.size() || status < 100) return std::nullopt;
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  return status;
}

bool bodyless(int status) { return status < 200 || status == 204 || status == 304; }

std::string host_for_header(const HttpEndpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + endpoint.host + "]" : endpoint.host;
  if (endpoint.port != 80) host += ":" + std::to_string(endpoint.port);
  return host;
}

std::string serialize(const HttpEndpoint& endpoint, const HttpRequest& request) {
  std::string out = request.method + " " + endpoint.base_path + request.target + " HTTP/1.1\r\n";
  out += "Host: " + host_for_header(endpoint) + "\r\n";
  for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
  if (!request.body.empty() || request.method != "GET") {
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  out += request.body;
  return out;
}

struct AddressList {
  addrinfo* head = nullptr;
  ~AddressList() {
    if (head != nullptr) ::freeaddrinfo(head);
  }
};

// Connects a non-blocking socket to the first address of `endpoint` that accepts, all attempts
// sharing one deadline.
std::variant<FileDescriptor, TransportError> connect_to(const HttpEndpoint& endpoint,
                                                        std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  AddressList addresses;
  const int resolved = ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(),
                                     &hints, &addresses.head);
  if (resolved != 0) {
    return TransportError{"cannot resolve host '" + endpoint.host + "': " +
                          (resolved == EAI_SYSTEM ? errno_text(errno) : ::gai_strerror(resolved))};
  }
  const auto deadline = SteadyClock::now() + timeout;
  std::string last_error = "no address to connect to";
  for (const addrinfo* address = addresses.head; address != nullptr; address = address->ai_next) {
    FileDescriptor fd(
        ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) {
      last_error = errno_text(errno);
      continue;
    }
    if (::connect(fd.get(), address->ai_addr, address->ai_addrlen) == 0) return fd;
    if (errno != EINPROGRESS) {
      last_error = errno_text(errno);
      continue;
    }
    if (!wait_ready(fd.get(), POLLOUT, deadline)) {
      return TransportError{"timed out connecting after " + format_timeout(timeout)};
    }
    int err = 0;
    socklen_t size = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &size);
    if (err == 0) return fd;
    last_error = errno_text(err);
  }
  return TransportError{lower(last_error)};
}

std::optional<TransportError> send_all(int fd, std::string_view bytes,
                                       SteadyClock::time_point deadline,
                                       std::chrono::milliseconds timeout) {
  while (!bytes.empty()) {
    if (!wait_ready(fd, POLLOUT, deadline)) {
      return TransportError{"request not accepted within " + format_timeout(timeout)};
    }
    // MSG_NOSIGNAL: a server that closed early must become an error value, not a SIGPIPE.
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return TransportError{"sending the request: " + lower(errno_text(errno))};
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return std::nullopt;
}

HttpResult receive(int fd, SteadyClock::time_point deadline, std::chrono::milliseconds timeout) {
  std::string buffer;
  char chunk[64 * 1024];
  for (;;) {
    if (!wait_ready(fd, POLLIN, deadline)) {
      return TransportError{"no response within " + format_timeout(timeout)};
    }
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got < 0 && errno != ECONNRESET) return TransportError{lower(errno_text(errno))};
    const bool at_end = got <= 0;
    if (got < 0 && buffer.empty()) return TransportError{"connection reset"};
    if (got > 0) buffer.append(chunk, static_cast<std::size_t>(got));
    bool complete = false;
    HttpResult result = parse_response(buffer, at_end, &complete);
    if (complete || !result.ok()) return result;
  }
}

}  // namespace

Result<HttpEndpoint> parse_endpoint(std::string_view url) {
  std::string text(url);
  if (text.find("://") == std::string::npos) text = "http://" + text;
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return invalid_url(url, "expected http://HOST[:PORT]");
  const boost::urls::url_view& view = *parsed;
  const std::string scheme = lower(view.scheme());
  if (scheme == "https") {
    return invalid_url(url,
                       "https is not supported yet; use regend's plain-HTTP listener "
                       "(http://HOST:PORT), e.g. through an SSH tunnel");
  }
  if (scheme != "http") return invalid_url(url, "only http:// URLs are supported");
  if (view.has_userinfo()) return invalid_url(url, "user info is not supported; use --token");
  if (view.has_query() || view.has_fragment()) {
    return invalid_url(url, "a query or fragment has no meaning here");
  }
  HttpEndpoint endpoint;
  endpoint.host = view.host_address();
  if (endpoint.host.empty()) return invalid_url(url, "no host");
  if (view.has_port()) {
    const auto port = parse_size(view.port());
    if (!port || *port == 0 || *port > 65535) return invalid_url(url, "bad port");
    endpoint.port = static_cast<uint16_t>(*port);
  }
  endpoint.base_path = view.encoded_path();
  while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
    endpoint.base_path.pop_back();
  }
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  endpoint.url = "http://" + (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" +
                 std::to_string(endpoint.port) + endpoint.base_path;
  return endpoint;
}

std::string_view HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

HttpResult parse_response(std::string_view bytes, bool at_end_of_stream, bool* complete) {
  *complete = false;
  const std::size_t header_end = bytes.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    if (bytes.size() > kMaxHeaderBytes) return malformed("headers longer than 64 KiB");
    if (!at_end_of_stream) return TransportError{};
    return TransportError{bytes.empty() ? "connection closed without a response"
                                        : "connection closed in the middle of the headers"};
  }
  HttpResponse response;
  std::string_view head = bytes.substr(0, header_end + 2);
  std::size_t line_end = head.find("\r\n");
  const auto status = parse_status_line(head.substr(0, line_end));
  if (!status) return malformed("not an HTTP/1.x status line");
  response.status = *status;
  std::optional<std::size_t> content_length;
  for (head.remove_prefix(line_end + 2); !head.empty(); head.remove_prefix(line_end + 2)) {
    line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return malformed("bad header line");
    std::string name = lower(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "transfer-encoding") return malformed("chunked bodies are not supported");
    if (name == "content-length") {
      content_length = parse_size(value);
      if (!content_length) return malformed("bad Content-Length");
    }
    response.headers.emplace_back(std::move(name), std::string(value));
  }
  std::string_view body = bytes.substr(header_end + 4);
  if (content_length && *content_length > kMaxResponseBytes) {
    return malformed("body larger than " + std::to_string(kMaxResponseBytes) + " bytes");
  }
  if (bodyless(response.status)) {
    body = {};
  } else if (content_length) {
    if (body.size() < *content_length) {
      if (!at_end_of_stream) return TransportError{};
      return TransportError{"connection closed in the middle of the response body"};
    }
    body = body.substr(0, *content_length);
  } else if (body.size() > kMaxResponseBytes) {
    return malformed("body larger than " + std::to_string(kMaxResponseBytes) + " bytes");
  } else if (!at_end_of_stream) {
    return TransportError{};
  }
  response.body = std::string(body);
  *complete = true;
  return response;
}

HttpResult http_exchange(const HttpEndpoint& endpoint, const HttpRequest& request,
                         std::chrono::milliseconds timeout) {
  auto connected = connect_to(endpoint, timeout);
  if (auto* error = std::get_if<TransportError>(&connected)) return std::move(*error);
  const FileDescriptor fd = std::move(std::get<FileDescriptor>(connected));
  const auto deadline = SteadyClock::now() + timeout;
  if (auto error = send_all(fd.get(), serialize(endpoint, request), deadline, timeout)) {
    return std::move(*error);
  }
  return receive(fd.get(), deadline, timeout);
}

}  // namespace regen::ctl
