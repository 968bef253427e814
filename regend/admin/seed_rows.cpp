// The rows of a synthetic data set: each incident's row, its alerts (labels, annotations and
// raw payloads shaped like each source's), their links, and the timeline ingestion and
// responders would have written for it.

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "regend/admin/seed_shape.h"
#include "regend/domain/rules.h"
#include "regend/ingest/timestamps.h"

namespace regen::admin {
namespace json = boost::json;
using domain::AlertStatus;
using domain::IncidentStatus;
using domain::Severity;
using domain::Timestamp;
using std::chrono::milliseconds;
using storage::AlertLink;
using storage::AlertRow;
using storage::IncidentRow;
using storage::TimelineEntry;

namespace {

constexpr double kRefiredShare = 0.04;  // alerts that resolved and fired again: two links
constexpr double kNotedShare = 0.15;    // incidents with notes from responders
constexpr std::string_view kSystem = "system";

constexpr std::array<const char*, 6> kNotes = {
    "Rolled back the last deploy; watching error rates.",
    "Paging the owning team, looks like an upstream dependency.",
    "Customer support reports checkout failures in EU.",
    "Scaled the deployment from 6 to 12 replicas.",
    "Root cause: expired credentials on the batch worker.",
    "Mitigated; follow-up ticket filed for the post-mortem."};
constexpr std::array<const char*, 4> kManualTitles = {
    "Customer reports failed payments", "Partner API returning stale data",
    "Elevated support tickets about logins", "Scheduled maintenance overran"};

std::string hex16(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

json::object map_object(const std::map<std::string, std::string>& values) {
  json::object object;
  for (const auto& [key, value] : values) object[key] = value;
  return object;
}

// The default grouping rule's key: the seeded rule groups by alertname.
std::string alertname_group_key(const char* alertname) {
  static const domain::GroupingRule kDefaultRule{.id = 1,
                                                 .name = "default",
                                                 .priority = 1000,
                                                 .enabled = true,
                                                 .match = {},
                                                 .group_by = {"alertname"},
                                                 .window = std::chrono::seconds(300)};
  domain::NormalizedAlert alert;
  alert.labels["alertname"] = alertname;
  return domain::group_key(kDefaultRule, alert);
}

// What ingestion records about an alert in alert_linked / alert_resolved entries.
std::string describe(const AlertRow& row, int64_t occurrence) {
  return json::serialize(json::object{{"alert_id", row.id},
                                      {"source", row.alert.source},
                                      {"external_id", row.alert.external_id},
                                      {"title", row.alert.title},
                                      {"severity", to_string(row.alert.severity)},
                                      {"occurrence", occurrence},
                                      {"incident_id", *row.incident_id}});
}

std::string change(std::string_view field, json::value from, json::value to, int64_t incident_id) {
  return json::serialize(json::object{{"field", field},
                                      {"from", std::move(from)},
                                      {"to", std::move(to)},
                                      {"incident_id", incident_id}});
}

// The alert as its source sent it (compact JSON), for GET /api/v1/alerts/{id}.
std::string raw_payload(const AlertRow& row, std::string_view fingerprint) {
  const domain::NormalizedAlert& a = row.alert;
  const bool firing = a.status == AlertStatus::kFiring;
  if (a.source == "cloudwatch") {
    return json::serialize(json::object{
        {"AlarmName", a.title},
        {"AlarmDescription", a.description},
        {"AWSAccountId", "123456789012"},
        {"NewStateValue", firing ? "ALARM" : "OK"},
        {"OldStateValue", firing ? "OK" : "ALARM"},
        {"NewStateReason", a.annotations.at("new_state_reason")},
        {"StateChangeTime", ingest::format_rfc3339(a.ended_at.value_or(row.received_at))},
        {"Region", a.labels.at("region")},
        {"AlarmArn", a.external_id},
        {"Trigger", json::object{{"MetricName", a.labels.at("metric_name")},
                                 {"Namespace", a.labels.at("namespace")},
                                 {"Statistic", "AVERAGE"},
                                 {"Period", 300},
                                 {"Threshold", 80.0}}}});
  }
  if (a.source == "generic") {
    return json::serialize(json::object{{"title", a.title},
                                        {"external_id", a.external_id},
                                        {"severity", to_string(a.severity)},
                                        {"status", to_string(a.status)},
                                        {"description", a.description},
                                        {"labels", map_object(a.labels)}});
  }
  const Timestamp starts = a.started_at.value_or(row.received_at);
  return json::serialize(
      json::object{{"status", to_string(a.status)},
                   {"labels", map_object(a.labels)},
                   {"annotations", map_object(a.annotations)},
                   {"startsAt", ingest::format_rfc3339(starts)},
                   {"endsAt", ingest::format_rfc3339(a.ended_at.value_or(ingest::kGoZeroTime))},
                   {"generatorURL", "http://prometheus." + a.labels.at("region") +
                                        ".example.com/graph?g0.expr=" + a.labels.at("alertname")},
                   {"fingerprint", fingerprint}});
}

}  // namespace

SeedCounts SeedGenerator::write_chunk(storage::WriteTx& tx, int64_t count) {
  std::vector<Shape> shapes;
  std::vector<IncidentRow> incidents;
  shapes.reserve(static_cast<std::size_t>(count));
  incidents.reserve(static_cast<std::size_t>(count));
  std::vector<Random> randoms;
  for (int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<uint64_t>(next_ + i);
    randoms.push_back(Random{.state = seed_mix(plan_.seed) ^ seed_mix(index + 1)});
    shapes.push_back(shape_of(next_ + i, randoms.back()));
    incidents.push_back(incident_row(shapes.back(), randoms.back()));
  }
  tx.bulk_insert_incidents(incidents);

  std::vector<AlertRow> alerts;
  std::vector<std::size_t> first_alert;  // per incident, into `alerts`
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    first_alert.push_back(alerts.size());
    add_alerts(shapes[i], incidents[i], randoms[i], alerts);
  }
  first_alert.push_back(alerts.size());
  tx.bulk_insert_alerts(alerts);

  std::vector<AlertLink> links;
  std::vector<TimelineEntry> timeline;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    std::span<const AlertRow> own(alerts.data() + first_alert[i],
                                  first_alert[i + 1] - first_alert[i]);
    add_history(shapes[i], incidents[i], own, randoms[i], links, timeline);
  }
  tx.bulk_insert_links(links);
  tx.bulk_append_timeline(timeline);
  next_ += count;
  return SeedCounts{.incidents = count,
                    .alerts = static_cast<int64_t>(alerts.size()),
                    .links = static_cast<int64_t>(links.size()),
                    .timeline_entries = static_cast<int64_t>(timeline.size())};
}

IncidentRow SeedGenerator::incident_row(const Shape& s, Random& random) const {
  IncidentRow row;
  if (s.manual) {
    row.title = random.pick(kManualTitles);
  } else {
    row.title = std::string(s.alertname) + " on " + s.service;
    row.group_key = alertname_group_key(s.alertname);
  }
  row.severity = s.severity;
  row.status = s.status;
  if (random.uniform() < 0.3) {
    row.summary = std::string("Impact on ") + s.service + " in " + s.region + "; owner: " + s.team;
  }
  row.commander = s.commander;
  row.created_at = s.created;
  row.acknowledged_at = s.acknowledged;
  if (s.status == IncidentStatus::kResolved) row.resolved_at = s.end;
  const bool open = domain::is_open(s.status);
  row.updated_at = open ? s.acknowledged.value_or(s.created) : s.end;
  return row;
}

void SeedGenerator::add_alerts(const Shape& s, const IncidentRow& incident, Random& random,
                               std::vector<AlertRow>& alerts) {
  const bool open = domain::is_open(s.status);
  // Alerts arrive over the first half of the incident; the first one opened it.
  const milliseconds window = (s.end - s.created) / 2;
  const uint64_t salt = seed_mix(plan_.seed) + plan_.run_salt;
  for (int32_t a = 0; a < s.alerts; ++a) {
    const std::string fingerprint = hex16(seed_mix(alert_serial_++ + salt));
    AlertRow row;
    domain::NormalizedAlert& alert = row.alert;
    alert.source = s.source;
    alert.severity = s.severity;
    row.received_at =
        a == 0 ? s.created
               : s.created + milliseconds(static_cast<int64_t>(random.uniform() * window.count()));
    const std::string instance =
        std::string(s.service) + "-" + fingerprint.substr(0, 5) + "-" + std::to_string(a % 7);
    if (s.source == "cloudwatch") {
      alert.title = std::string(s.service) + "-" + s.alertname;
      alert.external_id = "arn:aws:cloudwatch:" + std::string(s.region) +
                          ":123456789012:alarm:" + alert.title + "-" + fingerprint;
      alert.labels = {{"alarm_name", alert.title},
                      {"metric_name", "CPUUtilization"},
                      {"namespace", "AWS/EC2"},
                      {"region", s.region}};
      alert.annotations = {{"new_state_reason",
                            "Threshold Crossed: 2 out of the last 2 datapoints were greater than "
                            "the threshold (80.0)."}};
      alert.started_at = row.received_at;
    } else {
      alert.title = std::string(s.alertname) + " on " + instance;
      alert.external_id =
          s.source == "generic" ? std::string(s.service) + "-" + fingerprint : fingerprint;
      alert.labels = {{"alertname", s.alertname},
                      {"env", a % 9 == 0 ? "staging" : "production"},
                      {"instance", instance},
                      {"job", s.service},
                      {"region", s.region},
                      {"service", s.service},
                      {"severity", std::string(to_string(s.severity))},
                      {"team", s.team}};
      alert.annotations = {
          {"summary", std::string(s.alertname) + " on " + s.service},
          {"description", std::string(s.alertname) + " has been firing for " + instance},
          {"runbook_url", std::string("https://runbooks.example.com/") + s.alertname}};
      if (s.source != "generic" || a % 2 == 0) {
        alert.started_at = row.received_at - milliseconds(random() % 90000);
      }
    }
    alert.description = alert.annotations.begin()->second;
    const bool firing = open && (a == 0 || random.uniform() < 0.65);
    alert.status = firing ? AlertStatus::kFiring : AlertStatus::kResolved;
    if (!firing) {
      const Timestamp limit = open ? plan_.now : s.end;
      // The first alert of a closed incident resolves last: when the incident did.
      alert.ended_at =
          !open && a == 0
              ? s.end
              : row.received_at + milliseconds(static_cast<int64_t>(
                                      random.uniform() * (limit - row.received_at).count()));
    }
    row.updated_at = alert.ended_at.value_or(row.received_at);
    row.occurrence = random.uniform() < kRefiredShare ? 2 : 1;
    row.incident_id = incident.id;
    if (s.acknowledged && random.uniform() < 0.15) {
      row.acknowledged_at = std::max(*s.acknowledged, row.received_at);
    }
    alert.raw = raw_payload(row, fingerprint);
    alerts.push_back(std::move(row));
  }
}

void SeedGenerator::add_history(const Shape& s, const IncidentRow& incident,
                                std::span<const AlertRow> alerts, Random& random,
                                std::vector<AlertLink>& links,
                                std::vector<TimelineEntry>& timeline) const {
  std::vector<TimelineEntry> entries;
  auto record = [&](std::string kind, std::string_view actor, std::string payload, Timestamp at) {
    entries.push_back(TimelineEntry{.id = 0,
                                    .incident_id = incident.id,
                                    .kind = std::move(kind),
                                    .actor = std::string(actor),
                                    .payload_json = std::move(payload),
                                    .at = at});
  };
  json::object created{{"incident_number", incident.incident_number},
                       {"title", incident.title},
                       {"severity", to_string(incident.severity)}};
  if (s.manual) {
    created["manual"] = true;
  } else {
    created["group_key"] = *incident.group_key;
  }
  created["incident_id"] = incident.id;
  record("incident_created", s.manual ? s.responder : kSystem, json::serialize(created),
         incident.created_at);

  std::optional<Timestamp> last_resolved;
  bool all_resolved = !alerts.empty();
  auto link = [&](const AlertRow& alert, int64_t occurrence, Timestamp at,
                  std::optional<Timestamp> resolved) {
    links.push_back(AlertLink{.incident_id = incident.id,
                              .alert_id = alert.id,
                              .occurrence = occurrence,
                              .linked_at = at,
                              .resolved_at = resolved});
    record("alert_linked", kSystem, describe(alert, occurrence), at);
    if (!resolved) {
      all_resolved = false;
      return;
    }
    record("alert_resolved", kSystem, describe(alert, occurrence), *resolved);
    last_resolved = std::max(last_resolved.value_or(*resolved), *resolved);
  };
  for (const AlertRow& alert : alerts) {
    if (alert.occurrence == 1) {
      link(alert, 1, alert.received_at, alert.alert.ended_at);
      continue;
    }
    // Fired, resolved, fired again: one link per occurrence.
    const milliseconds span = alert.alert.ended_at.value_or(plan_.now) - alert.received_at;
    link(alert, 1, alert.received_at, alert.received_at + span * 3 / 10);
    link(alert, 2, alert.received_at + span / 2, alert.alert.ended_at);
  }
  if (all_resolved) {
    record("all_alerts_resolved", kSystem,
           json::serialize(json::object{{"incident_id", incident.id}}), *last_resolved);
  }

  const char* responder = s.responder;
  if (s.acknowledged) {
    record("status_changed", responder, change("status", "triggered", "acknowledged", incident.id),
           *s.acknowledged);
  }
  if (s.commander) {
    record("commander_changed", responder,
           change("commander", nullptr, s.commander->c_str(), incident.id),
           std::min(*s.acknowledged + milliseconds(30000), s.end));
  }
  const json::value before(
      to_string(s.acknowledged ? IncidentStatus::kAcknowledged : IncidentStatus::kTriggered));
  if (s.status == IncidentStatus::kResolved) {
    std::string payload = change("status", before, "resolved", incident.id);
    if (s.auto_resolved) {
      payload = json::serialize(json::object{{"from", before},
                                             {"to", "resolved"},
                                             {"reason", "all alerts resolved"},
                                             {"incident_id", incident.id}});
    }
    record("status_changed", s.auto_resolved ? kSystem : responder, std::move(payload), s.end);
  } else if (s.status == IncidentStatus::kCanceled) {
    record("status_changed", responder, change("status", "triggered", "canceled", incident.id),
           s.end);
  }
  if (random.uniform() < kNotedShare) {
    const auto notes = 1 + random() % 3;
    for (uint64_t n = 0; n < notes; ++n) {
      const milliseconds into((s.end - s.created).count() * static_cast<int64_t>(n + 1) /
                              static_cast<int64_t>(notes + 1));
      record("note", random.pick(kSeedPeople),
             json::serialize(
                 json::object{{"text", random.pick(kNotes)}, {"incident_id", incident.id}}),
             s.created + into);
    }
  }
  // Oldest first, the creation before anything at the same instant, as they were appended.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  std::move(entries.begin(), entries.end(), std::back_inserter(timeline));
}

}  // namespace regen::admin
