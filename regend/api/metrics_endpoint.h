#pragma once

#include "common/metrics.h"
#include "regend/http/request.h"

namespace regen::api {

// GET /metrics: `registry` rendered in the Prometheus text format 0.0.4 (Content-Type
// text/plain; version=0.0.4; charset=utf-8). Rendering reads a few small /proc files for the
// process_* metrics; nothing else. `registry` must outlive the router.
http::Handler metrics_handler(const metrics::Registry& registry);

}  // namespace regen::api
