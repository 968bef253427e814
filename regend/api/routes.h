#pragma once
// The daemon's route table, registered once at start-up.

#include <chrono>

#include "common/metrics.h"
#include "regend/api/api_route.h"
#include "regend/api/ready.h"
#include "regend/api/webhook_metrics.h"
#include "regend/ingest/provider_registry.h"
#include "regend/ingest/sns_confirmer.h"
#include "regend/ingest/writer_pool.h"
#include "regend/router/router.h"

namespace regen::middleware {
class WebhookSecrets;
}  // namespace regen::middleware

namespace regen::api {

// What handlers need; everything referenced must outlive the router.
struct RouteContext {
  std::chrono::steady_clock::time_point started;
  const ingest::ProviderRegistry* providers = nullptr;
  ingest::WriterPool* writers = nullptr;
  ingest::IngestLimits limits;
  ingest::SnsConfirmer* sns_confirmer = nullptr;  // null: confirmations are only logged
  const middleware::WebhookSecrets* webhook_secrets = nullptr;  // null: no per-source tokens
  ratelimit::RequestLimiter* limiter = nullptr;                 // null: no rate limits
  WebhookMetrics* webhook_metrics = nullptr;                    // null: not counted
  const metrics::Registry* registry = nullptr;                  // null: no /metrics route
  ReadinessSources readiness;                                   // store null: no /ready route
  ApiContext api;                                               // the authenticated /api/v1 routes
};

void register_routes(router::Router& router, const RouteContext& context);

}  // namespace regen::api
