#pragma once
// Counters of the webhook path, resolved once at start-up for every known source, reason and
// severity, so counting is an array index and an atomic add (and every series is exposed, as
// 0, before its first event):
//   regen_alerts_received_total{source}          alerts in committed requests
//   regen_alerts_deduplicated_total{source}      of those, alerts matching a stored alert
//   regen_webhook_rejected_total{source,reason}  requests refused (reasons below)
//   regen_incidents_created_total{severity}

#include <array>
#include <cstddef>
#include <string_view>

#include "common/metrics.h"
#include "regend/domain/ingestion.h"

namespace regen::api {

enum class WebhookRejection {
  kUnknownSource,     // 404 (source label "unknown")
  kUnauthorized,      // 401: missing or wrong per-source secret
  kInvalid,           // 400: the provider refused the payload
  kRateLimited,       // 429/503 from the rate limiter
  kQueueFull,         // 503: the write queue is full
  kStoreUnavailable,  // 503: the store failed the commit
  kInternal,          // 500
};

class WebhookMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit WebhookMetrics(metrics::Registry& registry);

  // Any thread. An unknown `source` counts as "unknown".
  void committed(std::string_view source, const domain::SubmissionResult& result);
  void rejected(std::string_view source, WebhookRejection reason);

 private:
  static constexpr std::array<std::string_view, 5> kSources = {"prometheus", "grafana",
                                                               "cloudwatch", "generic", "unknown"};
  static constexpr std::size_t kReasons = 7;
  static std::size_t source_index(std::string_view source);

  std::array<metrics::Counter*, kSources.size()> received_{};
  std::array<metrics::Counter*, kSources.size()> deduplicated_{};
  // Null where a combination cannot happen (see the constructor).
  std::array<std::array<metrics::Counter*, kReasons>, kSources.size()> rejected_{};
  std::array<metrics::Counter*, 3> incidents_{};  // by domain::Severity
};

}  // namespace regen::api
