#pragma once

#include <chrono>

#include "regend/http/request.h"

namespace regen::api {

// GET /health: liveness. It never touches storage, so it answers 200 for as long as an io
// thread runs, whatever the database is doing:
//   {"status":"ok","version":"0.1.0","uptime_s":42}
http::Handler health_handler(std::chrono::steady_clock::time_point started);

}  // namespace regen::api
