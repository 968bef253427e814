#pragma once
// Prometheus Alertmanager's webhook receiver, payload version 4:
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
// The mapping onto normalized alerts is parse_alertmanager_webhook's (alertmanager.h).

#include "regend/ingest/provider.h"

namespace regen::ingest {

class PrometheusProvider final : public Provider {
 public:
  explicit PrometheusProvider(IngestLimits limits) : limits_(limits) {}

  std::string_view source() const override { return "prometheus"; }
  // Keeps generatorURL as an annotation. Errors: kInvalidArgument naming the field. Any thread.
  Result<ParsedWebhook> parse(const WebhookRequest& request) const override;

 private:
  IngestLimits limits_;
};

}  // namespace regen::ingest
