#include "regend/admin/seed_data.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>

#include "regend/admin/seed_shape.h"

namespace regen::admin {
using domain::IncidentStatus;
using domain::Severity;
using domain::Timestamp;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kSpan = std::chrono::days(30);
constexpr milliseconds kRecent = std::chrono::hours(24);
constexpr double kManualShare = 0.03;     // incidents opened by hand, without alerts
constexpr double kLognormalSigma = 1.25;  // alerts per incident: a few, with storms of hundreds

constexpr std::array<const char*, 24> kAlertNames = {
    "HighErrorRate",       "HighLatencyP99",      "DiskSpaceLow",        "DiskWillFillIn4Hours",
    "PodCrashLooping",     "NodeNotReady",        "MemoryPressure",      "CPUThrottlingHigh",
    "TargetDown",          "CertificateExpiring", "KafkaConsumerLag",    "PostgresReplicationLag",
    "RedisDown",           "HTTP5xxSpike",        "QueueBacklogGrowing", "ContainerOOMKilled",
    "ReplicasMismatch",    "BlackboxProbeFailed", "SLOBurnRateFast",     "SLOBurnRateSlow",
    "ElasticsearchYellow", "UpstreamErrors",      "CronJobFailed",       "BackupMissing"};
constexpr std::array<const char*, 24> kServices = {
    "checkout-api", "payments", "cart",         "search",     "inventory",     "auth",
    "user-profile", "notifier", "billing",      "orders",     "shipping",      "recommender",
    "gateway",      "media",    "reporting",    "ledger",     "catalog",       "pricing",
    "fraud-check",  "mailer",   "web-frontend", "mobile-bff", "session-store", "warehouse"};
constexpr std::array<const char*, 6> kTeams = {"platform", "payments", "storefront",
                                               "data",     "identity", "logistics"};
constexpr std::array<const char*, 4> kRegions = {"us-east-1", "us-west-2", "eu-west-1",
                                                 "ap-southeast-1"};
}  // namespace

SeedCounts& SeedCounts::operator+=(const SeedCounts& other) {
  incidents += other.incidents;
  alerts += other.alerts;
  links += other.links;
  timeline_entries += other.timeline_entries;
  return *this;
}

SeedGenerator::SeedGenerator(const SeedPlan& plan) : plan_(plan) {
  alert_counts_ = plan_alert_counts();
}

std::vector<int32_t> SeedGenerator::plan_alert_counts() const {
  std::vector<int32_t> counts(static_cast<std::size_t>(plan_.incidents), 0);
  if (plan_.alerts == 0) return counts;
  Random random{.state = seed_mix(plan_.seed)};
  std::vector<std::size_t> grouped;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (random.uniform() >= kManualShare) grouped.push_back(i);
  }
  if (grouped.empty()) grouped.push_back(0);
  const auto k = static_cast<int64_t>(grouped.size());
  if (plan_.alerts <= k) {
    std::shuffle(grouped.begin(), grouped.end(), random);
    for (int64_t i = 0; i < plan_.alerts; ++i) counts[grouped[static_cast<std::size_t>(i)]] = 1;
    return counts;
  }
  // Every alert-driven incident has one alert; the rest follow a lognormal weight each.
  std::lognormal_distribution<double> weight_of(0.0, kLognormalSigma);
  std::vector<double> weights(grouped.size());
  double sum = 0;
  for (double& weight : weights) sum += weight = weight_of(random);
  const int64_t extra = plan_.alerts - k;
  int64_t assigned = 0;
  for (std::size_t j = 0; j < grouped.size(); ++j) {
    const auto share = static_cast<int64_t>(static_cast<double>(extra) * weights[j] / sum);
    counts[grouped[j]] = static_cast<int32_t>(1 + share);
    assigned += share;
  }
  for (int64_t left = extra - assigned; left > 0; --left) {
    ++counts[grouped[random() % grouped.size()]];
  }
  return counts;
}

SeedGenerator::Shape SeedGenerator::shape_of(int64_t index, Random& random) const {
  auto minutes = [&](double mean) {
    return milliseconds(static_cast<int64_t>(-std::log(1.0 - random.uniform()) * mean * 60000));
  };
  Shape s;
  s.alerts = alert_counts_[static_cast<std::size_t>(index)];
  s.manual = s.alerts == 0;
  // Evenly over the span, newest last, so ids grow with creation time as in production.
  const double position =
      (static_cast<double>(index) + random.uniform()) / static_cast<double>(plan_.incidents);
  s.created = plan_.now - kSpan +
              milliseconds(static_cast<int64_t>(position * static_cast<double>(kSpan.count())));
  const double severity = random.uniform();
  s.severity = severity < 0.12   ? Severity::kCritical
               : severity < 0.65 ? Severity::kWarning
                                 : Severity::kInfo;
  const double source = random.uniform();
  s.source = source < 0.55   ? "prometheus"
             : source < 0.80 ? "grafana"
             : source < 0.88 ? "cloudwatch"
                             : "generic";
  s.alertname = random.pick(kAlertNames);
  s.service = random.pick(kServices);
  s.team = random.pick(kTeams);
  s.region = random.pick(kRegions);
  s.responder = random.pick(kSeedPeople);

  // Old incidents are mostly closed; the last day's are often still open.
  const double roll = random.uniform();
  if (plan_.now - s.created < kRecent) {
    s.status = roll < 0.25   ? IncidentStatus::kTriggered
               : roll < 0.50 ? IncidentStatus::kAcknowledged
               : roll < 0.95 ? IncidentStatus::kResolved
                             : IncidentStatus::kCanceled;
  } else {
    s.status = roll < 0.015  ? IncidentStatus::kTriggered
               : roll < 0.04 ? IncidentStatus::kAcknowledged
               : roll < 0.94 ? IncidentStatus::kResolved
                             : IncidentStatus::kCanceled;
  }
  const double ack_mean = s.severity == Severity::kCritical  ? 4
                          : s.severity == Severity::kWarning ? 12
                                                             : 30;
  const milliseconds ack_delay = std::chrono::seconds(20) + minutes(ack_mean);
  // Times stay before now: a recent incident's delays shrink to fit.
  const milliseconds room = plan_.now - s.created;
  auto fit = [&](milliseconds delay) {
    return delay < room ? delay : milliseconds(room.count() * 9 / 10);
  };
  s.end = plan_.now;
  switch (s.status) {
    case IncidentStatus::kTriggered:
      break;
    case IncidentStatus::kAcknowledged:
      s.acknowledged = s.created + fit(ack_delay);
      break;
    case IncidentStatus::kResolved:
      s.end = s.created + fit(ack_delay + minutes(90));
      if (random.uniform() < 0.7) s.acknowledged = s.created + (s.end - s.created) / 3;
      s.auto_resolved = !s.manual && random.uniform() < 0.6;
      break;
    case IncidentStatus::kCanceled:
      s.end = s.created + fit(minutes(10));
      break;
  }
  if (s.severity == Severity::kCritical && s.acknowledged && random.uniform() < 0.7) {
    s.commander = random.pick(kSeedPeople);
  }
  return s;
}

SeedCounts SeedGenerator::write_next(storage::WriteTx& tx, int64_t max_incidents) {
  // A failed transaction leaves the generator as it was, so a retry writes the same rows.
  const uint64_t serial_before = alert_serial_;
  try {
    return write_chunk(tx, std::min(max_incidents, plan_.incidents - next_));
  } catch (...) {
    alert_serial_ = serial_before;
    throw;
  }
}

}  // namespace regen::admin
