#include "regend/api/api_route.h"

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>

#include <memory>

#include "regend/http/error_response.h"

namespace regen::api {
namespace {

// As the webhooks' 503: long enough for a failover to progress.
constexpr const char kRetryAfterSeconds[] = "5";

http::Response unauthorized(std::string_view message, std::string_view request_id) {
  http::Response response = http::error_response(ErrorCode::kUnauthorized, message, request_id);
  response.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="regen")");
  return response;
}

http::Response unavailable(std::string_view message, std::string_view request_id) {
  http::Response response = http::error_response(ErrorCode::kUnavailable, message, request_id);
  response.headers.emplace_back("Retry-After", kRetryAfterSeconds);
  return response;
}

http::Response run(const ApiContext& context, domain::Role required, const ApiHandler& handler,
                   const http::Request& request, std::string_view token) {
  Result<Principal> principal = context.authenticator->authenticate(token);
  if (!principal) {
    if (principal.error().code == ErrorCode::kUnauthorized) {
      return unauthorized(principal.error().message, request.request_id);
    }
    return store_failure(principal.error(), request.request_id);
  }
  if (!domain::role_allows(principal.value().role, required)) {
    return http::error_response(ErrorCode::kForbidden,
                                "token \"" + principal.value().name + "\" has role " +
                                    std::string(to_string(principal.value().role)) +
                                    "; this needs " + std::string(to_string(required)),
                                request.request_id,
                                boost::json::object{{"role", to_string(principal.value().role)},
                                                    {"required", to_string(required)}});
  }
  ApiCall call{request, principal.value(), *context.store, context.clock()};
  return handler(call);
}

}  // namespace

http::Handler api_route(const ApiContext& context, domain::Role required, ApiHandler handler) {
  // The context is copied (a few pointers and the clock), so callers may pass a temporary.
  return [context, required, handler = std::move(handler)](const http::Request& request,
                                                           http::Responder responder) {
    std::string_view authorization = request.header("Authorization");
    if (authorization.empty()) {
      return responder.send(
          unauthorized("this route needs an API token: Authorization: Bearer <token> "
                       "(create one with `regenctl tokens create`)",
                       request.request_id));
    }
    std::string_view token = bearer_token(authorization);
    if (token.empty()) {
      return responder.send(
          unauthorized("the Authorization header must be \"Bearer <token>\"", request.request_id));
    }
    if (context.limiter != nullptr) {
      std::optional<std::string> key_id = domain::token_key_id(token);
      std::string key = key_id ? "token " + *key_id : "address " + request.client_address;
      if (auto refused = context.limiter->check_api(key, request)) {
        return responder.send(std::move(*refused));
      }
    }
    // The request's views stay valid until the responder is sent; the copy keeps the struct.
    struct Job {
      http::Request request;
      http::Responder responder;
    };
    auto job = std::make_shared<Job>(Job{request, std::move(responder)});
    bool posted = context.executor->post([&context, required, &handler, job, token] {
      http::Response response;
      try {
        response = run(context, required, handler, job->request, token);
      } catch (const std::exception& e) {
        spdlog::error("request {}: handler threw: {}", job->request.request_id, e.what());
        response =
            http::error_response(ErrorCode::kInternal, "internal error", job->request.request_id);
      }
      job->responder.send(std::move(response));
    });
    if (!posted) {
      job->responder.send(unavailable("server busy; retry shortly", job->request.request_id));
    }
  };
}

http::Response store_failure(const Error& error, std::string_view request_id) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
      return unavailable("storage unavailable: " + error.message, request_id);
    case ErrorCode::kInternal:
      spdlog::error("request {}: {}", request_id, error.message);
      return http::error_response(ErrorCode::kInternal, "internal error", request_id);
    default:
      return http::error_response(error, request_id);
  }
}

}  // namespace regen::api
