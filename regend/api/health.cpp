#include "regend/api/health.h"

#include <charconv>

#include "common/version.h"

namespace regen::api {

http::Handler health_handler(std::chrono::steady_clock::time_point started) {
  // Everything but the uptime is fixed: built once, not printf-formatted per probe.
  const std::string prefix =
      std::string(R"({"status":"ok","version":")") + kVersion + R"(","uptime_s":)";
  return [started, prefix](const http::Request&, http::Responder responder) {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), uptime.count());
    std::string body;
    body.reserve(prefix.size() + static_cast<std::size_t>(end - digits) + 1);
    body.append(prefix).append(digits, end).push_back('}');
    responder.send(http::Response::json(200, std::move(body)));
  };
}

}  // namespace regen::api
