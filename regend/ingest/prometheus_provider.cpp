#include "regend/ingest/prometheus_provider.h"

#include <array>

#include "regend/ingest/alertmanager.h"

namespace regen::ingest {
namespace {

constexpr std::array<std::string_view, 1> kAnnotationFields = {"generatorURL"};

}  // namespace

Result<ParsedWebhook> PrometheusProvider::parse(const WebhookRequest& request) const {
  return parse_alertmanager_webhook(request.body, source(), kAnnotationFields, limits_);
}

}  // namespace regen::ingest
