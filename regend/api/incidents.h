#pragma once
// /api/v1/incidents: list, show, open by hand, change (status, severity, summary, commander),
// and the timeline (read, add a note).
//
// `{id}` in a path is the incident number people see ("#42" is /api/v1/incidents/42); the
// internal id works as "id:17".

#include "regend/api/api_route.h"
#include "regend/router/router.h"

namespace regen::api {

void register_incident_routes(router::Router& router, const ApiContext& context);

}  // namespace regen::api
