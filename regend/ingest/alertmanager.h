#pragma once
// The Alertmanager webhook shape (version 4), which Prometheus Alertmanager sends and Grafana's
// unified alerting copies, mapped onto normalized alerts. Shared by PrometheusProvider and
// GrafanaProvider, which differ only in their extra fields and Grafana's signature.

#include <span>
#include <string_view>

#include "common/result.h"
#include "regend/ingest/provider.h"

namespace regen::ingest {

// Parses `body` into one normalized alert per element of "alerts":
//   title       labels.alertname (required)
//   description annotations.summary, else annotations.description
//   severity    labels.severity; anything but critical|warning|info (any case) is warning
//   status      the alert's status, else the group's; endsAt becomes ended_at only when resolved
//   external_id fingerprint, else labels_hash(labels)
// Each field named in `annotation_fields` ("generatorURL", Grafana's URLs) is kept as an
// annotation of the same name when it is a non-empty string. Unknown fields are ignored.
// Returns every alert or the first error (kInvalidArgument naming the field); never a part.
Result<ParsedWebhook> parse_alertmanager_webhook(
    std::string_view body, std::string_view source,
    std::span<const std::string_view> annotation_fields, const IngestLimits& limits);

}  // namespace regen::ingest
