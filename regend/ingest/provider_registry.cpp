#include "regend/ingest/provider_registry.h"

#include "regend/ingest/cloudwatch_provider.h"
#include "regend/ingest/generic_provider.h"
#include "regend/ingest/grafana_provider.h"
#include "regend/ingest/prometheus_provider.h"

namespace regen::ingest {

ProviderRegistry::ProviderRegistry(const ProviderSettings& settings) {
  providers_.push_back(std::make_unique<PrometheusProvider>(settings.limits));
  providers_.push_back(
      std::make_unique<GrafanaProvider>(settings.limits, settings.grafana_hmac_secret));
  providers_.push_back(std::make_unique<CloudWatchProvider>(settings.limits));
  providers_.push_back(
      std::make_unique<GenericProvider>(settings.limits, settings.generic_hmac_secret));
}

const Provider* ProviderRegistry::find(std::string_view source) const {
  for (const auto& provider : providers_) {
    if (provider->source() == source) return provider.get();
  }
  return nullptr;
}

std::vector<std::string_view> ProviderRegistry::sources() const {
  std::vector<std::string_view> names;
  names.reserve(providers_.size());
  for (const auto& provider : providers_) names.push_back(provider->source());
  return names;
}

}  // namespace regen::ingest
