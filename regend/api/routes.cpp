#include "regend/api/routes.h"

#include "regend/api/health.h"

namespace regen::api {

void register_routes(router::Router& router, const RouteContext& context) {
  router.add("GET", "/health", health_handler(context.started));
}

}  // namespace regen::api
