#pragma once
// /api/v1/routing-rules and /api/v1/grouping-rules: list, show, create, replace, delete. Reads
// need a viewer, changes an admin. Every change bumps the store's rules version, which every
// instance's writer checks in each batch transaction: the next alert anywhere uses the change.

#include "regend/api/api_route.h"
#include "regend/router/router.h"

namespace regen::api {

void register_rule_routes(router::Router& router, const ApiContext& context);

}  // namespace regen::api
