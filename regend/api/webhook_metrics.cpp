#include "regend/api/webhook_metrics.h"

namespace regen::api {
namespace {

constexpr std::array<std::string_view, 7> kReasonNames = {
    "unknown_source", "unauthorized",      "invalid", "rate_limited",
    "queue_full",     "store_unavailable", "internal"};
constexpr std::array<domain::Severity, 3> kSeverities = {
    domain::Severity::kCritical, domain::Severity::kWarning, domain::Severity::kInfo};

}  // namespace

WebhookMetrics::WebhookMetrics(metrics::Registry& registry) {
  static_assert(kReasonNames.size() == kReasons);
  auto& received =
      registry.counter("regen_alerts_received_total",
                       "Alerts in webhook requests that were committed, by source.", {"source"});
  auto& deduplicated = registry.counter(
      "regen_alerts_deduplicated_total",
      "Received alerts merged into an alert already stored (a repeat or an update), by source.",
      {"source"});
  auto& rejected =
      registry.counter("regen_webhook_rejected_total",
                       "Webhook requests refused, by source and reason.", {"source", "reason"});
  auto& incidents = registry.counter("regen_incidents_created_total",
                                     "Incidents opened by ingestion, by severity.", {"severity"});
  const std::size_t unknown = kSources.size() - 1;
  const auto unknown_source = static_cast<std::size_t>(WebhookRejection::kUnknownSource);
  for (std::size_t s = 0; s < kSources.size(); ++s) {
    received_[s] = &received.with({kSources[s]});
    deduplicated_[s] = &deduplicated.with({kSources[s]});
    for (std::size_t r = 0; r < kReasons; ++r) {
      // Only combinations that can happen become series: an unknown source is refused for
      // that reason alone, a known one never for it.
      if ((s == unknown) != (r == unknown_source)) continue;
      rejected_[s][r] = &rejected.with({kSources[s], kReasonNames[r]});
    }
  }
  for (domain::Severity severity : kSeverities) {
    incidents_[static_cast<std::size_t>(severity)] = &incidents.with({domain::to_string(severity)});
  }
}

std::size_t WebhookMetrics::source_index(std::string_view source) {
  for (std::size_t i = 0; i + 1 < kSources.size(); ++i) {
    if (kSources[i] == source) return i;
  }
  return kSources.size() - 1;
}

void WebhookMetrics::committed(std::string_view source, const domain::SubmissionResult& result) {
  const std::size_t s = source_index(source);
  received_[s]->inc(static_cast<double>(result.received));
  deduplicated_[s]->inc(static_cast<double>(result.received - result.created));
  for (std::size_t i = 0; i < incidents_.size(); ++i) {
    if (result.incidents_by_severity[i] != 0) {
      incidents_[i]->inc(static_cast<double>(result.incidents_by_severity[i]));
    }
  }
}

void WebhookMetrics::rejected(std::string_view source, WebhookRejection reason) {
  metrics::Counter* counter = rejected_[source_index(source)][static_cast<std::size_t>(reason)];
  if (counter != nullptr) counter->inc();
}

}  // namespace regen::api
