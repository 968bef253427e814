#pragma once
// The route table: built once at start-up, then read concurrently by every io thread without
// locks. Patterns are literal segments and "{name}" captures: "/api/v1/incidents/{id}".

#include <boost/container/small_vector.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "regend/http/request.h"

namespace regen::router {

// A request path's segments, views into the path.
using PathParts = boost::container::small_vector<std::string_view, 8>;

class Router {
 public:
  // Registers `handler` for `method` on `pattern`. Start-up only (not thread-safe).
  // Aborts on a malformed pattern or a duplicate (method, pattern): both are programming errors.
  void add(std::string_view method, std::string_view pattern, http::Handler handler);

  // Routes one request: fills request.path_params and runs the handler, or answers 404 (no
  // route has this path) or 405 with an Allow header (the path exists, the method does not).
  // Returns the matched pattern, or kUnmatched, for access logs and metrics: it is a bounded
  // label set, unlike raw paths. Any io thread.
  std::string_view dispatch(http::Request& request, http::Responder responder) const;

  static constexpr std::string_view kUnmatched = "unmatched";

  struct Match {
    enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
    Outcome outcome = Outcome::kNotFound;
    const http::Handler* handler = nullptr;
    std::string_view pattern;
    std::string allow;  // "GET, POST" when kMethodNotAllowed
    std::vector<std::pair<std::string_view, std::string_view>> params;
  };
  // Matching alone, without running anything; params point into `path`.
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the capture's name
    bool capture = false;
  };
  struct Route {
    std::string pattern;
    std::vector<Segment> segments;
    std::vector<std::pair<std::string, http::Handler>> methods;
  };

  bool matches(const Route& route, const PathParts& parts,
               std::vector<std::pair<std::string_view, std::string_view>>* params) const;

  std::vector<Route> routes_;
};

}  // namespace regen::router
