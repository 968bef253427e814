#pragma once
// POST /api/v1/webhooks/{source}: parse with the source's provider (on the io thread: CPU
// work, no blocking), hand the alerts to the group-commit writer, answer after the commit:
//   200 {"source","received","created","updated","incidents_created"}
// 400 names the field; 404 for an unknown source; 401 + WWW-Authenticate when the source has
// a token (webhooks.<source>_token) and the request does not present it, checked before the
// body is parsed; 503 + Retry-After when the write queue is full or the store is unreachable
// (senders retry 5xx; Alertmanager drops 4xx). Past the client's rate limit (checked after the
// source is known, before its token or body): 429, or 503 for a source configured so.
// GET /api/v1/webhooks/generic/schema: the generic format's JSON Schema.

#include "regend/api/webhook_metrics.h"
#include "regend/http/request.h"
#include "regend/ingest/provider_registry.h"
#include "regend/ingest/sns_confirmer.h"
#include "regend/ingest/writer_pool.h"
#include "regend/middleware/webhook_auth.h"
#include "regend/ratelimit/request_limiter.h"

namespace regen::api {

// What the webhook handler uses; everything pointed to must outlive the handler.
struct WebhookContext {
  const ingest::ProviderRegistry* providers = nullptr;
  ingest::WriterPool* writers = nullptr;
  ingest::SnsConfirmer* sns_confirmer = nullptr;        // null: confirmations are only logged
  const middleware::WebhookSecrets* secrets = nullptr;  // null: no source requires a token
  ratelimit::RequestLimiter* limiter = nullptr;         // null: no rate limit
  WebhookMetrics* metrics = nullptr;                    // null: not counted
};

http::Handler webhook_handler(const WebhookContext& context);
// The schema states the configured limits.
http::Handler generic_schema_handler(const ingest::IngestLimits& limits);

}  // namespace regen::api
