#include "regend/server/daemon_gauges.h"

#include "common/process_metrics.h"
#include "common/version.h"

namespace regen::server {

void add_daemon_gauges(metrics::Registry& registry, GaugeSources sources) {
  registry.add_collector([sources](metrics::Exposition& out) {
    out.gauge("regen_http_inflight_requests", "HTTP requests being handled now.",
              static_cast<double>(sources.http->in_flight_requests.load()));
    out.gauge("regen_write_queue_depth", "Webhook requests waiting for a group-commit writer.",
              static_cast<double>(sources.writers->queue_depth()));
    const storage::StoreHealth health = sources.store->health();
    out.gauge("regen_store_up", "1 when the store answered its last ping, else 0.",
              health.up ? 1.0 : 0.0);
    if (health.outbox_pending) {
      out.gauge("regen_outbox_pending",
                "Notification events in the outbox not yet delivered (as of the last ping).",
                static_cast<double>(*health.outbox_pending));
    }
    out.gauge("regen_rate_limit_buckets",
              "Rate-limit buckets held (bounded by rate_limit.max_keys).",
              static_cast<double>(sources.limiter->size()));
    out.begin_gauge("regen_build_info", "Always 1; the labels say which build is running.");
    out.sample(1.0, {{"version", kVersion}});
  });
  metrics::add_process_collector(registry);
}

}  // namespace regen::server
