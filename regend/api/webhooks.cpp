#include "regend/api/webhooks.h"

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>

#include <memory>

#include "common/json_text.h"
#include "regend/http/error_response.h"
#include "regend/ingest/generic_provider.h"

namespace regen::api {
namespace json = boost::json;

namespace {

// Seconds a sender should wait before retrying a 503: long enough for a failover to progress,
// short enough that Alertmanager's own backoff is the one that matters.
constexpr const char kRetryAfterSeconds[] = "5";

http::Response unavailable(std::string_view message, std::string_view request_id) {
  http::Response response = http::error_response(ErrorCode::kUnavailable, message, request_id);
  response.headers.emplace_back("Retry-After", kRetryAfterSeconds);
  return response;
}

// Confirming fetches a URL named by an unauthenticated request, so it is opt-in and the
// confirmer checks the URL; otherwise the operator confirms by hand from the log line.
void confirm_subscription(const ingest::SubscriptionConfirmation& confirmation,
                          ingest::SnsConfirmer* confirmer) {
  if (confirmer == nullptr) {
    spdlog::warn("SNS subscription confirmation for {}: confirm it by visiting {}",
                 confirmation.topic_arn, confirmation.subscribe_url);
    return;
  }
  spdlog::info("SNS subscription confirmation for {}: confirming", confirmation.topic_arn);
  confirmer->confirm(confirmation);  // logs the outcome, or why it refused the URL
}

http::Response unauthorized(const Error& error, std::string_view request_id) {
  http::Response response = http::error_response(error, request_id);
  response.headers.emplace_back("WWW-Authenticate", middleware::kWebhookChallenge);
  return response;
}

http::Response accepted(std::string_view source, const domain::SubmissionResult& result) {
  // Written directly (JsonObjectText): this is the answer to every accepted webhook.
  JsonObjectText body;
  body.add("source", source)
      .add("received", static_cast<int64_t>(result.received))
      .add("created", static_cast<int64_t>(result.created))
      .add("updated", static_cast<int64_t>(result.updated))
      .add("incidents_created", static_cast<int64_t>(result.incidents_created));
  if (result.replayed_delivery) body.add_bool("duplicate_delivery", true);
  return http::Response::json(200, std::move(body).finish());
}

}  // namespace

http::Handler webhook_handler(const WebhookContext& context) {
  return [context](const http::Request& request, http::Responder responder) {
    const ingest::ProviderRegistry& providers = *context.providers;
    ingest::WriterPool& writers = *context.writers;
    const middleware::WebhookSecrets* secrets = context.secrets;
    WebhookMetrics* metrics = context.metrics;
    auto reject = [metrics](std::string_view source, WebhookRejection reason) {
      if (metrics != nullptr) metrics->rejected(source, reason);
    };
    std::string_view source = request.path_param("source");
    const ingest::Provider* provider = providers.find(source);
    if (provider == nullptr) {
      reject("unknown", WebhookRejection::kUnknownSource);
      return responder.send(http::error_response(
          ErrorCode::kNotFound, "unknown webhook source \"" + std::string(source) + "\"",
          request.request_id,
          json::object{{"sources", "prometheus, grafana, cloudwatch, generic"}}));
    }
    // Before the token and the body: a flood costs a bucket lookup, not a parse.
    if (context.limiter != nullptr) {
      if (auto refused = context.limiter->check_webhook(provider->source(), request)) {
        reject(provider->source(), WebhookRejection::kRateLimited);
        return responder.send(std::move(*refused));
      }
    }
    if (secrets != nullptr) {
      Status allowed = secrets->check(provider->source(), request.header("Authorization"));
      if (!allowed) {
        // The sender is misconfigured or not who it claims: either way the operator needs to see
        // it, and the access log alone says only "401".
        spdlog::warn("request {}: webhook {} refused: {}", request.request_id, source,
                     allowed.error().message);
        reject(provider->source(), WebhookRejection::kUnauthorized);
        return responder.send(unauthorized(allowed.error(), request.request_id));
      }
    }
    ingest::WebhookRequest webhook{
        request.body, [&request](std::string_view name) { return request.header(name); }};
    Result<ingest::ParsedWebhook> parsed = provider->parse(webhook);
    if (!parsed) {
      reject(provider->source(), WebhookRejection::kInvalid);
      return responder.send(http::error_response(parsed.error(), request.request_id));
    }
    ingest::ParsedWebhook& payload = parsed.value();
    if (payload.confirmation) confirm_subscription(*payload.confirmation, context.sns_confirmer);
    if (payload.alerts.empty()) {
      return responder.send(accepted(provider->source(), domain::SubmissionResult{}));
    }
    domain::Submission submission{std::string(provider->source()), std::move(payload.alerts),
                                  std::move(payload.delivery_id)};
    // The writer completes on its own thread; the Responder posts back to this io thread.
    auto shared = std::make_shared<http::Responder>(std::move(responder));
    std::string request_id(request.request_id);
    std::string source_name(provider->source());
    bool queued = writers.submit(
        std::move(submission),
        [shared, request_id, source_name, metrics](Result<domain::SubmissionResult> result) {
          if (result) {
            if (metrics != nullptr) metrics->committed(source_name, result.value());
            return shared->send(accepted(source_name, result.value()));
          }
          if (result.error().code == ErrorCode::kUnavailable) {
            if (metrics != nullptr) {
              metrics->rejected(source_name, WebhookRejection::kStoreUnavailable);
            }
            return shared->send(
                unavailable("storage unavailable: " + result.error().message, request_id));
          }
          spdlog::error("request {}: storing alerts failed: {}", request_id,
                        result.error().message);
          if (metrics != nullptr) {
            metrics->rejected(source_name, WebhookRejection::kInternal);
          }
          shared->send(
              http::error_response(ErrorCode::kInternal, "storing the alerts failed", request_id));
        });
    if (!queued) {
      reject(provider->source(), WebhookRejection::kQueueFull);
      shared->send(unavailable("write queue full; retry shortly", request.request_id));
    }
  };
}

http::Handler generic_schema_handler(const ingest::IngestLimits& limits) {
  return [schema = ingest::generic_json_schema(limits)](const http::Request&,
                                                        http::Responder responder) {
    http::Response response = http::Response::json(200, schema);
    response.content_type = "application/schema+json";
    responder.send(std::move(response));
  };
}

}  // namespace regen::api
