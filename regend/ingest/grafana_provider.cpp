#include "regend/ingest/grafana_provider.h"

#include <array>

#include "regend/ingest/alertmanager.h"
#include "regend/ingest/signature.h"

namespace regen::ingest {
namespace {

constexpr std::array<std::string_view, 5> kAnnotationFields = {
    "valueString", "generatorURL", "silenceURL", "dashboardURL", "panelURL"};

}  // namespace

Result<ParsedWebhook> GrafanaProvider::parse(const WebhookRequest& request) const {
  if (Status s = verify_body_signature(request, kSignatureHeader, "", hmac_secret_); !s.ok()) {
    return s.error();
  }
  return parse_alertmanager_webhook(request.body, source(), kAnnotationFields, limits_);
}

}  // namespace regen::ingest
