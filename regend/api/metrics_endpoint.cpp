#include "regend/api/metrics_endpoint.h"

namespace regen::api {

http::Handler metrics_handler(const metrics::Registry& registry) {
  return [&registry](const http::Request&, http::Responder responder) {
    http::Response response;
    response.content_type = metrics::kContentType;
    response.body = registry.render();
    responder.send(std::move(response));
  };
}

}  // namespace regen::api
