#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "regend/http/request.h"
#include "regend/storage/store_monitor.h"

namespace regen::api {

// What readiness reads; everything referenced must outlive the router.
struct ReadinessSources {
  const storage::StoreMonitor* store = nullptr;
  std::string backend;  // "sqlite", "postgres"
  // An answer older than this counts as no answer: a ping hung on a dead database never
  // reports a failure by itself.
  std::chrono::milliseconds max_ping_age{3000};
  const std::atomic<bool>* draining = nullptr;  // set when a drain (or its grace) begins
};

// GET /ready: 200 when the store answered its last ping (within max_ping_age) and the daemon is
// not draining, else 503 naming the failing checks. It reads only the store monitor's last
// answer, so it never waits on the database. Redis is not configured yet and never fails it:
//   {"status":"pass","checks":{"store":{"status":"pass","backend":"sqlite","checked_ms_ago":120},
//    "draining":false,"redis":{"status":"not configured"}}}
//   {"status":"fail","failing":["store"],"checks":{"store":{"status":"fail","error":"..."},...}}
http::Handler ready_handler(ReadinessSources sources);

}  // namespace regen::api
