#pragma once
// The four webhook providers, built once at start-up from the configuration and then read by
// every io thread without locks.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "regend/ingest/provider.h"

namespace regen::ingest {

struct ProviderSettings {
  IngestLimits limits;
  std::string grafana_hmac_secret;  // empty: Grafana requests are not signature-checked
  std::string generic_hmac_secret;  // empty: generic requests are not signature-checked
};

class ProviderRegistry {
 public:
  // Builds prometheus, grafana, cloudwatch and generic. Start-up only.
  explicit ProviderRegistry(const ProviderSettings& settings);

  // The provider whose source() is `source` (the URL segment), or nullptr. The provider lives as
  // long as the registry. Any thread.
  const Provider* find(std::string_view source) const;

  // Every source name, in registration order ("prometheus", "grafana", ...).
  std::vector<std::string_view> sources() const;

 private:
  std::vector<std::unique_ptr<const Provider>> providers_;
};

}  // namespace regen::ingest
