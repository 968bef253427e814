#pragma once
// Grafana unified alerting's webhook contact point (payload version "1"): Alertmanager's shape
// plus orgId, title, state and message, and per alert values, valueString and links. The mapping
// is parse_alertmanager_webhook's (alertmanager.h).

#include <string>
#include <utility>

#include "regend/ingest/provider.h"

namespace regen::ingest {

class GrafanaProvider final : public Provider {
 public:
  // With a non-empty `hmac_secret`, every request must carry X-Grafana-Alerting-Signature: the
  // lowercase hex HMAC-SHA256 of the raw body under that secret.
  GrafanaProvider(IngestLimits limits, std::string hmac_secret)
      : limits_(limits), hmac_secret_(std::move(hmac_secret)) {}

  std::string_view source() const override { return "grafana"; }
  // Keeps valueString, generatorURL, silenceURL, dashboardURL and panelURL as annotations when
  // non-empty. Errors: kUnauthorized when the signature is missing or wrong (checked before the
  // body is parsed); kInvalidArgument naming the field. Any thread.
  Result<ParsedWebhook> parse(const WebhookRequest& request) const override;

  static constexpr std::string_view kSignatureHeader = "X-Grafana-Alerting-Signature";

 private:
  IngestLimits limits_;
  std::string hmac_secret_;
};

}  // namespace regen::ingest
