#include "regend/server/http_metrics.h"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "regend/router/router.h"

namespace regen::server {
namespace {

using std::chrono::milliseconds;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST_CASE("http metrics: a request is counted under its route pattern, method and status") {
  metrics::Registry registry;
  HttpMetrics http(registry);
  const std::string route = "/api/v1/incidents/{id}";
  http.on_response("GET", route, 200, milliseconds(3));
  http.on_response("GET", route, 200, milliseconds(30));
  http.on_response("PATCH", route, 409, milliseconds(1));
  const std::string text = registry.render();
  CHECK(has_line(
      text,
      R"(regen_http_requests_total{route="/api/v1/incidents/{id}",method="GET",code="200"} 2)"));
  CHECK(has_line(
      text,
      R"(regen_http_requests_total{route="/api/v1/incidents/{id}",method="PATCH",code="409"} 1)"));
  CHECK(has_line(text,
                 R"(regen_http_request_duration_seconds_count{route="/api/v1/incidents/{id}"} 3)"));
  CHECK(has_line(
      text,
      R"(regen_http_request_duration_seconds_bucket{route="/api/v1/incidents/{id}",le="0.005"} 2)"));
}

TEST_CASE("http metrics: unknown methods share other, unrouted requests share unmatched") {
  metrics::Registry registry;
  HttpMetrics http(registry);
  http.on_response("BREW", router::Router::kUnmatched, 404, milliseconds(1));
  http.on_response("PROPFIND", router::Router::kUnmatched, 404, milliseconds(1));
  http.on_response("", "-", 413, milliseconds(1));
  const std::string text = registry.render();
  CHECK(has_line(text,
                 R"(regen_http_requests_total{route="unmatched",method="other",code="404"} 2)"));
  CHECK(has_line(text,
                 R"(regen_http_requests_total{route="unmatched",method="other",code="413"} 1)"));
}

TEST_CASE("http metrics: several io threads count into the same series") {
  metrics::Registry registry;
  HttpMetrics http(registry);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&http] {
      for (int i = 0; i < 1000; ++i) http.on_response("GET", "/health", 200, milliseconds(0));
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(has_line(registry.render(),
                 R"(regen_http_requests_total{route="/health",method="GET",code="200"} 4000)"));
}

TEST_CASE("http metrics: a new instance on the same thread does not reuse the old one's cache") {
  const std::string route = "/health";
  {
    metrics::Registry registry;
    HttpMetrics http(registry);
    http.on_response("GET", route, 200, milliseconds(0));
  }
  metrics::Registry registry;
  HttpMetrics http(registry);
  http.on_response("GET", route, 200, milliseconds(0));
  CHECK(has_line(registry.render(),
                 R"(regen_http_requests_total{route="/health",method="GET",code="200"} 1)"));
}

}  // namespace
}  // namespace regen::server
