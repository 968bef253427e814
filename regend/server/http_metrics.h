#pragma once
// regen_http_requests_total{route,method,code} and regen_http_request_duration_seconds{route},
// fed by the session after each response. Labels stay bounded: route is the router's pattern
// (unknown paths share "unmatched"), method one of a fixed set or "other", code a status.
//
// Each io thread keeps its own small cache from (route, method, code) to the metric children,
// so after the first request of a combination an observation is two atomic updates: no lock,
// no string building, no map shared between threads.

#include <atomic>
#include <cstdint>

#include "common/metrics.h"
#include "regend/http/server.h"

namespace regen::server {

class HttpMetrics final : public http::RequestObserver {
 public:
  // Registers the two families in `registry`, which must outlive this object.
  explicit HttpMetrics(metrics::Registry& registry);

  // Any io thread.
  void on_response(std::string_view method, std::string_view route, unsigned status,
                   std::chrono::steady_clock::duration elapsed) override;

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& duration_;
  const std::uint64_t id_;  // tells apart the per-thread caches of successive instances
};

}  // namespace regen::server
