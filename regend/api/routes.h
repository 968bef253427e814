#pragma once
// The daemon's route table, registered once at start-up.

#include <chrono>

#include "regend/router/router.h"

namespace regen::api {

struct RouteContext {
  std::chrono::steady_clock::time_point started;
};

void register_routes(router::Router& router, const RouteContext& context);

}  // namespace regen::api
