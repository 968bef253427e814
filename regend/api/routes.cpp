#include "regend/api/routes.h"

#include "regend/api/alerts.h"
#include "regend/api/health.h"
#include "regend/api/incidents.h"
#include "regend/api/metrics_endpoint.h"
#include "regend/api/rules.h"
#include "regend/api/webhooks.h"

namespace regen::api {

void register_routes(router::Router& router, const RouteContext& context) {
  // Health, readiness and metrics are never rate limited: probes and scrapes must get through
  // a flood.
  router.add("GET", "/health", health_handler(context.started));
  if (context.readiness.store != nullptr)
    router.add("GET", "/ready", ready_handler(context.readiness));
  if (context.registry != nullptr)
    router.add("GET", "/metrics", metrics_handler(*context.registry));
  router.add("GET", "/api/v1/webhooks/generic/schema", generic_schema_handler(context.limits));
  router.add("POST", "/api/v1/webhooks/{source}",
             webhook_handler(WebhookContext{.providers = context.providers,
                                            .writers = context.writers,
                                            .sns_confirmer = context.sns_confirmer,
                                            .secrets = context.webhook_secrets,
                                            .limiter = context.limiter,
                                            .metrics = context.webhook_metrics}));
  register_incident_routes(router, context.api);
  register_alert_routes(router, context.api);
  register_rule_routes(router, context.api);
}

}  // namespace regen::api
