#pragma once
// POST /api/v1/webhooks/{source}: parse with the source's provider (on the io thread: CPU
// work, no blocking), hand the alerts to the group-commit writer, answer after the commit:
//   200 {"source","received","created","updated","incidents_created"}
// 400 names the field; 404 for an unknown source; 503 + Retry-After when the write queue is
// full or the store is unreachable (senders retry 5xx; Alertmanager drops 4xx).
// GET /api/v1/webhooks/generic/schema: the generic format's JSON Schema.

#include "regend/http/request.h"
#include "regend/ingest/group_commit_writer.h"
#include "regend/ingest/provider_registry.h"
#include "regend/ingest/sns_confirmer.h"

namespace regen::api {

// `providers`, `writer` and `sns_confirmer` (null: SNS confirmations are only logged) must
// outlive the handlers.
http::Handler webhook_handler(const ingest::ProviderRegistry& providers,
                              ingest::GroupCommitWriter& writer,
                              ingest::SnsConfirmer* sns_confirmer);
// The schema states the configured limits.
http::Handler generic_schema_handler(const ingest::IngestLimits& limits);

}  // namespace regen::api
