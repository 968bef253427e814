#include "regend/router/router.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <boost/json/object.hpp>

#include "regend/http/error_response.h"

namespace regen::router {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" into {}. A path with an empty segment ("/a//b",
// "/a/") yields an empty segment that no route matches. Inline storage: routing a request
// allocates nothing for its segments.
PathParts split_path(std::string_view path) {
  PathParts parts;
  if (path.size() <= 1) return parts;
  std::size_t start = 1;
  while (true) {
    std::size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

[[noreturn]] void die(std::string_view what, std::string_view pattern) {
  std::fprintf(stderr, "router: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(pattern.size()), pattern.data());
  std::abort();
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, http::Handler handler) {
  if (pattern.empty() || pattern.front() != '/') die("pattern must start with '/'", pattern);
  auto existing = std::find_if(routes_.begin(), routes_.end(),
                               [&](const Route& route) { return route.pattern == pattern; });
  if (existing == routes_.end()) {
    Route route;
    route.pattern = std::string(pattern);
    for (std::string_view part : split_path(pattern)) {
      if (part.empty()) die("empty segment in pattern", pattern);
      bool capture = part.size() > 2 && part.front() == '{' && part.back() == '}';
      route.segments.push_back(
          Segment{std::string(capture ? part.substr(1, part.size() - 2) : part), capture});
    }
    routes_.push_back(std::move(route));
    existing = routes_.end() - 1;
  }
  for (const auto& [known, unused] : existing->methods) {
    if (known == method) die("duplicate method for pattern", pattern);
  }
  existing->methods.emplace_back(std::string(method), std::move(handler));
}

bool Router::matches(const Route& route, const PathParts& parts,
                     std::vector<std::pair<std::string_view, std::string_view>>* params) const {
  if (parts.size() != route.segments.size()) return false;
  params->clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (parts[i].empty()) return false;
    if (segment.capture) {
      params->emplace_back(segment.text, parts[i]);
    } else if (parts[i] != segment.text) {
      return false;
    }
  }
  return true;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  std::vector<std::string_view> allowed;  // methods of every route matching the path
  std::vector<std::pair<std::string_view, std::string_view>> params;
  const PathParts parts = split_path(path);
  for (const Route& route : routes_) {
    if (!matches(route, parts, &params)) continue;
    for (const auto& [known, handler] : route.methods) {
      if (known == method) {
        result.outcome = Match::Outcome::kFound;
        result.handler = &handler;
        result.pattern = route.pattern;
        result.params = std::move(params);
        return result;
      }
      allowed.push_back(known);
    }
    // Another route may match the same path with this method ("/incidents/{id}" after a
    // literal "/incidents/search"), so keep looking before answering 405.
    if (result.pattern.empty()) result.pattern = route.pattern;
  }
  if (allowed.empty()) return result;
  result.outcome = Match::Outcome::kMethodNotAllowed;
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  for (std::string_view name : allowed) {
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += name;
  }
  return result;
}

std::string_view Router::dispatch(http::Request& request, http::Responder responder) const {
  Match found = match(request.method, request.path);
  switch (found.outcome) {
    case Match::Outcome::kFound:
      request.path_params = std::move(found.params);
      (*found.handler)(request, std::move(responder));
      return found.pattern;
    case Match::Outcome::kMethodNotAllowed: {
      http::Response response = http::error_response(
          ErrorCode::kMethodNotAllowed,
          std::string(request.method) + " is not allowed on " + std::string(request.path),
          request.request_id, boost::json::object{{"allow", found.allow}});
      response.headers.emplace_back("Allow", found.allow);
      responder.send(std::move(response));
      return found.pattern;
    }
    case Match::Outcome::kNotFound:
      break;
  }
  responder.send(http::error_response(
      ErrorCode::kNotFound, "no route for " + std::string(request.path), request.request_id));
  return kUnmatched;
}

}  // namespace regen::router
