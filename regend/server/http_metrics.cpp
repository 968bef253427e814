#include "regend/server/http_metrics.h"

#include <array>
#include <string>
#include <unordered_map>

#include "regend/router/router.h"

namespace regen::server {
namespace {

constexpr std::array<std::string_view, 8> kMethods = {"GET",   "HEAD",   "POST",    "PUT",
                                                      "PATCH", "DELETE", "OPTIONS", "other"};

std::uint8_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i) {
    if (kMethods[i] == method) return static_cast<std::uint8_t>(i);
  }
  return kMethods.size() - 1;
}

// Route labels are string_views into the router's patterns (or literals), which live as long
// as the daemon, so their address identifies them; two views of equal text at different
// addresses only cost a second cache entry for the same children.
struct Key {
  const char* route;
  std::size_t route_size;
  std::uint16_t status;
  std::uint8_t method;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  std::size_t operator()(const Key& key) const {
    return std::hash<const void*>()(key.route) ^ (std::size_t(key.status) << 8) ^ key.method;
  }
};

struct Children {
  metrics::Counter* requests;
  metrics::Histogram* duration;
};

struct ThreadCache {
  std::uint64_t owner = 0;
  std::unordered_map<Key, Children, KeyHash> entries;
};

std::atomic<std::uint64_t> next_id{1};

}  // namespace

HttpMetrics::HttpMetrics(metrics::Registry& registry)
    : requests_(registry.counter("regen_http_requests_total",
                                 "HTTP requests answered, by route pattern, method and status.",
                                 {"route", "method", "code"})),
      duration_(registry.histogram("regen_http_request_duration_seconds",
                                   "Time from the first byte of a request to its answer being "
                                   "written, by route pattern.",
                                   {"route"}, metrics::default_duration_buckets())),
      id_(next_id.fetch_add(1)) {}

void HttpMetrics::on_response(std::string_view method, std::string_view route, unsigned status,
                              std::chrono::steady_clock::duration elapsed) {
  // A request answered before routing (408, 413, 431) has no pattern.
  if (route == "-") route = router::Router::kUnmatched;
  thread_local ThreadCache cache;
  if (cache.owner != id_) {
    cache.entries.clear();
    cache.owner = id_;
  }
  const Key key{route.data(), route.size(), static_cast<std::uint16_t>(status),
                method_index(method)};
  auto found = cache.entries.find(key);
  if (found == cache.entries.end()) {
    const std::string code = std::to_string(status);
    Children children{&requests_.with({route, kMethods[key.method], code}),
                      &duration_.with({route})};
    found = cache.entries.emplace(key, children).first;
  }
  found->second.requests->inc();
  found->second.duration->observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace regen::server
