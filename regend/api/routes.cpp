#include "regend/api/routes.h"

#include "regend/api/alerts.h"
#include "regend/api/health.h"
#include "regend/api/incidents.h"
#include "regend/api/rules.h"
#include "regend/api/webhooks.h"

namespace regen::api {

void register_routes(router::Router& router, const RouteContext& context) {
  router.add("GET", "/health", health_handler(context.started));
  router.add("GET", "/api/v1/webhooks/generic/schema", generic_schema_handler(context.limits));
  router.add("POST", "/api/v1/webhooks/{source}",
             webhook_handler(*context.providers, *context.writer, context.sns_confirmer,
                             context.webhook_secrets));
  register_incident_routes(router, context.api);
  register_alert_routes(router, context.api);
  register_rule_routes(router, context.api);
}

}  // namespace regen::api
