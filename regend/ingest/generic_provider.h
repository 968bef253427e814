#pragma once
// Regen's own webhook format, for anything that can POST JSON: one alert object, or
// {"alerts":[...]} with many. generic_json_schema() describes it.

#include <string>
#include <string_view>
#include <utility>

#include "regend/ingest/provider.h"

namespace regen::ingest {

class GenericProvider final : public Provider {
 public:
  // With a non-empty `hmac_secret`, every request must carry X-Webhook-Signature:
  // "sha256=" followed by the hex HMAC-SHA256 of the raw body under that secret.
  GenericProvider(IngestLimits limits, std::string hmac_secret)
      : limits_(limits), hmac_secret_(std::move(hmac_secret)) {}

  std::string_view source() const override { return "generic"; }
  // Fields: title (required, non-empty), description, severity (critical|warning|info, default
  // warning), status (firing|resolved, default firing), external_id (default
  // title_labels_hash), labels and annotations (objects of strings), started_at and ended_at
  // (RFC 3339). Unknown fields are ignored. Errors: kUnauthorized when the signature is missing
  // or wrong (checked before the body is parsed); kInvalidArgument naming the field. Any thread.
  Result<ParsedWebhook> parse(const WebhookRequest& request) const override;

  static constexpr std::string_view kSignatureHeader = "X-Webhook-Signature";
  static constexpr std::string_view kSignaturePrefix = "sha256=";

 private:
  IngestLimits limits_;
  std::string hmac_secret_;
};

// A JSON Schema (draft 2020-12) document describing the generic format with the default
// IngestLimits; served at GET /api/v1/webhooks/generic/schema. Built on first use; any thread.
std::string_view generic_json_schema();
// The same document with the limits a daemon is configured with.
std::string generic_json_schema(const IngestLimits& limits);

}  // namespace regen::ingest
