#include "regend/api/health.h"

#include <cstdio>

#include "common/version.h"

namespace regen::api {

http::Handler health_handler(std::chrono::steady_clock::time_point started) {
  return [started](const http::Request&, http::Responder responder) {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    char body[128];
    int length =
        std::snprintf(body, sizeof(body), R"({"status":"ok","version":"%s","uptime_s":%lld})",
                      kVersion, static_cast<long long>(uptime.count()));
    responder.send(http::Response::json(200, std::string(body, static_cast<std::size_t>(length))));
  };
}

}  // namespace regen::api
