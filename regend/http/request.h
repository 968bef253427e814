#pragma once
// The request/response types handlers see. They carry no Beast or Asio types, so the router,
// middleware, api and admin code compile without those headers.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regen::http {

// A parsed request. Every view points into the session's buffers and stays valid until the
// handler's Responder has been sent; a handler that needs data beyond that copies it.
struct Request {
  std::string_view method;  // "GET"
  std::string_view target;  // "/api/v1/incidents?limit=5"
  std::string_view path;    // "/api/v1/incidents"
  std::string_view query;   // "limit=5"
  std::string_view body;
  std::string_view request_id;  // echoed X-Request-ID or a generated one
  std::string_view client;      // peer address "127.0.0.1:51234"
  // The peer's IP address alone, canonical: "127.0.0.1", "::1"; an IPv4-mapped IPv6 address
  // as its IPv4 address. "-" when it could not be read.
  std::string_view peer_address;
  // The client's IP address ("203.0.113.9"): the peer's, or taken from X-Forwarded-For when
  // the peer is a trusted proxy. Set by middleware before routing; empty until then.
  std::string client_address;
  std::vector<std::pair<std::string_view, std::string_view>> path_params;  // set by the router

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const {
    return header_lookup_ != nullptr ? header_lookup_(header_source_, name) : std::string_view{};
  }
  // The value of a "{name}" path segment; empty when the route has none by that name.
  std::string_view path_param(std::string_view name) const;

  // Every field with this name, in order, joined with ", " (a list-valued header such as
  // X-Forwarded-For may arrive as several lines); empty when absent.
  std::string header_list(std::string_view name) const {
    return header_list_ != nullptr ? header_list_(header_source_, name) : std::string(header(name));
  }

  // Set by the session: how header() and header_list() reach the parsed header fields.
  using HeaderLookup = std::string_view (*)(const void* source, std::string_view name);
  using HeaderListLookup = std::string (*)(const void* source, std::string_view name);
  void set_header_source(const void* source, HeaderLookup lookup,
                         HeaderListLookup list_lookup = nullptr) {
    header_source_ = source;
    header_lookup_ = lookup;
    header_list_ = list_lookup;
  }

 private:
  const void* header_source_ = nullptr;
  HeaderLookup header_lookup_ = nullptr;
  HeaderListLookup header_list_ = nullptr;
};

struct Response {
  unsigned status = 200;
  // Always a literal or a constant (static storage): not copied into every response.
  std::string_view content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Retry-After)

  static Response json(unsigned status, std::string body) {
    Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }
};

// Completes one request. Move-only; send() must be called exactly once, from any thread (the
// session resumes on its own io thread). A Responder destroyed without send() answers 500, so
// a handler bug cannot leave a connection hanging.
class Responder {
 public:
  // Shared, so that the session can keep the state it shares with its completion in the same
  // allocation; the Responder is still its only user until send().
  class Completion : public std::enable_shared_from_this<Completion> {
   public:
    virtual ~Completion() = default;
    virtual void complete(Response response) = 0;
    virtual void abandon() = 0;  // the handler dropped its Responder: answer 500
  };

  explicit Responder(std::shared_ptr<Completion> completion) : completion_(std::move(completion)) {}
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;  // abandons an unsent completion first
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void send(Response response);

 private:
  std::shared_ptr<Completion> completion_;
};

// A route's handler. Runs on an io thread: it must not block. Work that blocks (storage) is
// handed to another thread, which calls responder.send() when done.
// The handler may call send() before it returns.
using Handler = std::function<void(const Request&, Responder)>;

}  // namespace regen::http
