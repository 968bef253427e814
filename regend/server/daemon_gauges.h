#pragma once
// The gauges read at scrape time from state the daemon already keeps (no hot-path cost):
//   regen_http_inflight_requests, regen_write_queue_depth, regen_store_up,
//   regen_outbox_pending (when the store monitor has counted it), regen_rate_limit_buckets,
//   regen_build_info{version}, and the process_* set.

#include "common/metrics.h"
#include "regend/http/server.h"
#include "regend/ingest/writer_pool.h"
#include "regend/ratelimit/request_limiter.h"
#include "regend/storage/store_monitor.h"

namespace regen::server {

// Everything here must outlive the registry's last render().
struct GaugeSources {
  const http::ServerStats* http = nullptr;
  const ingest::WriterPool* writers = nullptr;
  const storage::StoreMonitor* store = nullptr;
  const ratelimit::RequestLimiter* limiter = nullptr;
};

void add_daemon_gauges(metrics::Registry& registry, GaugeSources sources);

}  // namespace regen::server
