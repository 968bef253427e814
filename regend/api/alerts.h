#pragma once
// /api/v1/alerts: list (source, status, severity), show by id, acknowledge.

#include "regend/api/api_route.h"
#include "regend/router/router.h"

namespace regen::api {

void register_alert_routes(router::Router& router, const ApiContext& context);

}  // namespace regen::api
