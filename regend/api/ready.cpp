#include "regend/api/ready.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace regen::api {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

json::object store_check(const ReadinessSources& sources, bool* pass) {
  const storage::StoreHealth health = sources.store->health();
  const auto age =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - health.checked_at);
  json::object check{{"backend", sources.backend}, {"checked_ms_ago", age.count()}};
  if (!health.up) {
    *pass = false;
    check["error"] = health.error;
  } else if (age > sources.max_ping_age) {
    *pass = false;
    check["error"] = "no answer to a ping for " + std::to_string(age.count()) + " ms";
  } else {
    *pass = true;
  }
  check["status"] = *pass ? "pass" : "fail";
  return check;
}

}  // namespace

http::Handler ready_handler(ReadinessSources sources) {
  return [sources = std::move(sources)](const http::Request&, http::Responder responder) {
    bool store_ok = false;
    json::object store = store_check(sources, &store_ok);
    const bool draining = sources.draining->load(std::memory_order_relaxed);
    json::array failing;
    if (!store_ok) failing.emplace_back("store");
    if (draining) failing.emplace_back("draining");
    json::object body{{"status", failing.empty() ? "pass" : "fail"}};
    if (!failing.empty()) body["failing"] = std::move(failing);
    body["checks"] = json::object{{"store", std::move(store)},
                                  {"draining", draining},
                                  {"redis", json::object{{"status", "not configured"}}}};
    http::Response response =
        http::Response::json(body.contains("failing") ? 503 : 200, json::serialize(body));
    response.headers.emplace_back("Cache-Control", "no-store");
    responder.send(std::move(response));
  };
}

}  // namespace regen::api
