#include "regenctl/bench/results.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <charconv>

namespace regen::ctl::bench {
namespace json = boost::json;
namespace {

double ms(double nanoseconds) { return nanoseconds / 1e6; }

double share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::map<int, uint64_t> status_map(const RequestStats& stats) {
  std::map<int, uint64_t> statuses;
  for (std::size_t i = 0; i < kStatusSlots; ++i) {
    if (stats.statuses[i] > 0) statuses[static_cast<int>(i)] = stats.statuses[i];
  }
  return statuses;
}

// The observed value of `threshold`, or nullopt when its metric has no samples.
std::optional<double> observe(const Threshold& threshold, const Results& results,
                              const metrics::LatencyHistogram* histogram) {
  const RequestFigures* request = nullptr;
  for (const RequestFigures& figures : results.requests_by_name) {
    if (figures.name == threshold.request) request = &figures;
  }
  const uint64_t requests = request ? request->requests : results.requests;
  auto rate_or_count = [&](uint64_t part, uint64_t whole) -> std::optional<double> {
    if (whole == 0) return std::nullopt;
    if (threshold.stat == Threshold::Stat::kCount) return static_cast<double>(part);
    return share(part, whole);
  };
  auto counter = [&](uint64_t count) -> std::optional<double> {
    if (threshold.stat == Threshold::Stat::kCount) return static_cast<double>(count);
    return results.per_second(static_cast<double>(count));
  };
  const std::string& metric = threshold.metric;
  if (metric == "http_req_duration") {
    if (histogram == nullptr || histogram->count() == 0) return std::nullopt;
    switch (threshold.stat) {
      case Threshold::Stat::kAvg:
        return ms(histogram->mean());
      case Threshold::Stat::kMin:
        return ms(static_cast<double>(histogram->min()));
      case Threshold::Stat::kMax:
        return ms(static_cast<double>(histogram->max()));
      case Threshold::Stat::kMed:
        return ms(static_cast<double>(histogram->value_at_percentile(50)));
      default:
        return ms(static_cast<double>(histogram->value_at_percentile(threshold.percentile)));
    }
  }
  if (metric == "http_req_failed") {
    return rate_or_count(request ? request->failed : results.failed, requests);
  }
  if (metric == "http_5xx") {
    return rate_or_count(request ? request->status_5xx : results.status_5xx, requests);
  }
  if (metric == "http_429") {
    return rate_or_count(request ? request->status_429 : results.status_429, requests);
  }
  if (metric == "http_reqs") return counter(requests);
  if (metric == "http_req_skipped") return counter(request ? request->skipped : results.skipped);
  const uint64_t checks = results.check_passes + results.check_fails;
  if (metric == "checks") return rate_or_count(results.check_passes, checks);
  if (metric == "checks_failed") return rate_or_count(results.check_fails, checks);
  if (metric == "iterations") return counter(results.iterations);
  if (metric == "dropped_iterations") return counter(results.dropped_iterations);
  if (metric == "interrupted") return counter(results.interrupted);
  return std::nullopt;
}

json::object trend_json(const TrendFigures& trend) {
  return {{"count", trend.count}, {"avg", trend.avg}, {"min", trend.min},
          {"med", trend.med},     {"max", trend.max}, {"p90", trend.p90},
          {"p95", trend.p95},     {"p99", trend.p99}, {"p99_9", trend.p999}};
}

json::object rate_json(uint64_t part, uint64_t whole) {
  return {{"rate", share(part, whole)}, {"count", part}};
}

json::object statuses_json(const std::map<int, uint64_t>& statuses) {
  json::object out;
  for (const auto& [status, count] : statuses) out[std::to_string(status)] = count;
  return out;
}

// Reading: a failure names the member path.
struct ReadError {
  std::string path;
};

const json::value& member(const json::value& parent, std::string_view key,
                          const std::string& path) {
  const json::object* object = parent.if_object();
  const json::value* found = object ? object->if_contains(key) : nullptr;
  if (found == nullptr) throw ReadError{path + (path.empty() ? "" : ".") + std::string(key)};
  return *found;
}

double number(const json::value& parent, std::string_view key, const std::string& path) {
  const json::value& value = member(parent, key, path);
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  throw ReadError{path + "." + std::string(key)};
}

uint64_t count(const json::value& parent, std::string_view key, const std::string& path) {
  const double value = number(parent, key, path);
  if (value < 0) throw ReadError{path + "." + std::string(key)};
  return static_cast<uint64_t>(value);
}

std::string text(const json::value& parent, std::string_view key, const std::string& path) {
  const json::value& value = member(parent, key, path);
  if (value.is_null()) return "";
  if (!value.is_string()) throw ReadError{path + "." + std::string(key)};
  return std::string(value.get_string());
}

TrendFigures read_trend(const json::value& value, const std::string& path) {
  TrendFigures trend;
  trend.count = count(value, "count", path);
  trend.avg = number(value, "avg", path);
  trend.min = number(value, "min", path);
  trend.med = number(value, "med", path);
  trend.max = number(value, "max", path);
  trend.p90 = number(value, "p90", path);
  trend.p95 = number(value, "p95", path);
  trend.p99 = number(value, "p99", path);
  trend.p999 = number(value, "p99_9", path);
  return trend;
}

std::map<int, uint64_t> read_statuses(const json::value& value, const std::string& path) {
  std::map<int, uint64_t> statuses;
  if (!value.is_object()) throw ReadError{path};
  for (const auto& [key, entry] : value.get_object()) {
    int status = 0;
    const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), status);
    if (ec != std::errc() || ptr != key.data() + key.size())
      throw ReadError{path + "." + std::string(key)};
    statuses[status] = count(value, key, path);
  }
  return statuses;
}

Results read_results(const json::value& root) {
  if (text(root, "schema", "") != kResultsSchema) throw ReadError{"schema"};
  Results results;
  const json::value& scenario = member(root, "scenario", "");
  results.scenario = text(scenario, "name", "scenario");
  results.description = text(scenario, "description", "scenario");
  results.file = text(scenario, "file", "scenario");
  results.executor = text(scenario, "executor", "scenario");
  results.target = text(root, "target", "");
  results.started_at = text(root, "started_at", "");
  results.duration_s = number(root, "duration_s", "");
  results.planned_duration_s = number(root, "planned_duration_s", "");
  results.stopped_early =
      member(root, "stopped_early", "").is_bool() && member(root, "stopped_early", "").get_bool();
  const json::value& settings = member(root, "settings", "");
  results.vus_max = static_cast<int>(count(settings, "vus_max", "settings"));
  results.rate = number(settings, "rate", "settings");
  results.threads = static_cast<int>(count(settings, "threads", "settings"));
  results.duration_scale = number(settings, "duration_scale", "settings");
  const json::value& generator = member(root, "generator", "");
  results.cpu_user_s = number(generator, "cpu_user_s", "generator");
  results.cpu_system_s = number(generator, "cpu_system_s", "generator");
  const json::value& metrics = member(root, "metrics", "");
  results.duration =
      read_trend(member(metrics, "http_req_duration", "metrics"), "metrics.http_req_duration");
  results.requests = count(member(metrics, "http_reqs", "metrics"), "count", "metrics.http_reqs");
  results.failed =
      count(member(metrics, "http_req_failed", "metrics"), "count", "metrics.http_req_failed");
  results.status_5xx = count(member(metrics, "http_5xx", "metrics"), "count", "metrics.http_5xx");
  results.status_429 = count(member(metrics, "http_429", "metrics"), "count", "metrics.http_429");
  results.skipped =
      count(member(metrics, "http_req_skipped", "metrics"), "count", "metrics.http_req_skipped");
  results.interrupted =
      count(member(metrics, "interrupted", "metrics"), "count", "metrics.interrupted");
  results.iterations =
      count(member(metrics, "iterations", "metrics"), "count", "metrics.iterations");
  results.dropped_iterations = count(member(metrics, "dropped_iterations", "metrics"), "count",
                                     "metrics.dropped_iterations");
  results.late_iterations =
      count(member(metrics, "late_iterations", "metrics"), "count", "metrics.late_iterations");
  results.connections_opened = count(member(metrics, "connections_opened", "metrics"), "count",
                                     "metrics.connections_opened");
  const json::value& checks = member(metrics, "checks", "metrics");
  results.check_passes = count(checks, "passes", "metrics.checks");
  results.check_fails = count(checks, "fails", "metrics.checks");
  results.bytes_sent = count(member(metrics, "data_sent", "metrics"), "bytes", "metrics.data_sent");
  results.bytes_received =
      count(member(metrics, "data_received", "metrics"), "bytes", "metrics.data_received");
  results.statuses = read_statuses(member(root, "statuses", ""), "statuses");
  const json::value& errors = member(root, "transport_errors", "");
  if (!errors.is_object()) throw ReadError{"transport_errors"};
  for (const auto& [key, value] : errors.get_object()) {
    results.transport_errors[key] = count(errors, key, "transport_errors");
  }
  const json::value& requests = member(root, "requests", "");
  if (!requests.is_array()) throw ReadError{"requests"};
  for (std::size_t i = 0; i < requests.get_array().size(); ++i) {
    const json::value& entry = requests.get_array()[i];
    const std::string path = "requests[" + std::to_string(i) + "]";
    RequestFigures figures;
    figures.name = text(entry, "name", path);
    figures.method = text(entry, "method", path);
    figures.path = text(entry, "path", path);
    figures.duration = read_trend(member(entry, "http_req_duration", path), path);
    figures.requests = count(member(entry, "http_reqs", path), "count", path + ".http_reqs");
    figures.failed = count(member(entry, "http_req_failed", path), "count", path);
    figures.status_5xx = count(member(entry, "http_5xx", path), "count", path);
    figures.status_429 = count(member(entry, "http_429", path), "count", path);
    figures.skipped = count(entry, "skipped", path);
    figures.skip_reason = text(entry, "skip_reason", path);
    figures.interrupted = count(entry, "interrupted", path);
    figures.bytes_sent = count(entry, "data_sent", path);
    figures.bytes_received = count(entry, "data_received", path);
    figures.statuses = read_statuses(member(entry, "statuses", path), path + ".statuses");
    results.requests_by_name.push_back(std::move(figures));
  }
  const json::value& check_list = member(root, "checks", "");
  if (!check_list.is_array()) throw ReadError{"checks"};
  for (const json::value& entry : check_list.get_array()) {
    results.checks.push_back({text(entry, "name", "checks[]"), count(entry, "passes", "checks[]"),
                              count(entry, "fails", "checks[]")});
  }
  const json::value& thresholds = member(root, "thresholds", "");
  if (!thresholds.is_array()) throw ReadError{"thresholds"};
  for (const json::value& entry : thresholds.get_array()) {
    ThresholdOutcome outcome;
    outcome.metric = text(entry, "metric", "thresholds[]");
    outcome.request = text(entry, "name", "thresholds[]");
    outcome.expression = text(entry, "expression", "thresholds[]");
    const json::value& observed = member(entry, "observed", "thresholds[]");
    if (!observed.is_null()) outcome.observed = number(entry, "observed", "thresholds[]");
    outcome.observed_text = text(entry, "observed_text", "thresholds[]");
    const json::value& ok = member(entry, "ok", "thresholds[]");
    if (!ok.is_bool()) throw ReadError{"thresholds[].ok"};
    outcome.ok = ok.get_bool();
    results.thresholds.push_back(std::move(outcome));
  }
  return results;
}

}  // namespace

TrendFigures trend_of(const metrics::LatencyHistogram& nanoseconds) {
  TrendFigures trend;
  trend.count = nanoseconds.count();
  if (trend.count == 0) return trend;
  auto at = [&](double percentile) {
    return ms(static_cast<double>(nanoseconds.value_at_percentile(percentile)));
  };
  trend.avg = ms(nanoseconds.mean());
  trend.min = ms(static_cast<double>(nanoseconds.min()));
  trend.max = ms(static_cast<double>(nanoseconds.max()));
  trend.med = at(50);
  trend.p90 = at(90);
  trend.p95 = at(95);
  trend.p99 = at(99);
  trend.p999 = at(99.9);
  return trend;
}

bool Results::thresholds_ok() const {
  return std::all_of(thresholds.begin(), thresholds.end(),
                     [](const ThresholdOutcome& outcome) { return outcome.ok; });
}

double Results::per_second(double count_value) const {
  return duration_s > 0 ? count_value / duration_s : 0.0;
}

Results build_results(const Scenario& scenario, const WorkerStats& stats, const RunFacts& facts) {
  Results results;
  results.scenario = scenario.name;
  results.description = scenario.description;
  results.file = scenario.file;
  results.executor = std::string(executor_name(scenario.executor));
  results.target = facts.target;
  results.started_at = facts.started_at;
  results.duration_s = facts.duration_s;
  results.planned_duration_s = static_cast<double>(scenario.total_duration().count()) / 1e9;
  results.vus_max = scenario.max_vus();
  results.rate = scenario.open_model() ? scenario.rate : 0;
  results.threads = facts.threads;
  results.duration_scale = facts.duration_scale;
  results.stopped_early = facts.stopped_early;
  results.cpu_user_s = facts.cpu_user_s;
  results.cpu_system_s = facts.cpu_system_s;
  results.duration = trend_of(stats.all);
  for (std::size_t i = 0; i < scenario.requests.size(); ++i) {
    const RequestSpec& spec = scenario.requests[i];
    const RequestStats& request = stats.requests[i];
    RequestFigures figures;
    figures.name = spec.name;
    figures.method = spec.method;
    figures.path = spec.path.source();
    figures.duration = trend_of(request.duration);
    figures.requests = request.requests;
    figures.failed = request.failed;
    figures.status_5xx = request.count_in(500, 599);
    figures.status_429 = request.statuses[429];
    figures.skipped = request.skipped;
    figures.skip_reason = request.skip_reason;
    figures.interrupted = request.interrupted;
    figures.bytes_sent = request.bytes_sent;
    figures.bytes_received = request.bytes_received;
    figures.statuses = status_map(request);
    results.requests += figures.requests;
    results.failed += figures.failed;
    results.status_5xx += figures.status_5xx;
    results.status_429 += figures.status_429;
    results.skipped += figures.skipped;
    results.interrupted += figures.interrupted;
    results.bytes_sent += figures.bytes_sent;
    results.bytes_received += figures.bytes_received;
    for (const auto& [status, n] : figures.statuses) results.statuses[status] += n;
    results.requests_by_name.push_back(std::move(figures));
  }
  std::size_t check_index = 0;
  for (const RequestSpec& spec : scenario.requests) {
    for (const Check& check : spec.checks) {
      const CheckStats& counts = stats.checks[check_index++];
      results.checks.push_back({check.name, counts.passes, counts.fails});
      results.check_passes += counts.passes;
      results.check_fails += counts.fails;
    }
  }
  results.iterations = stats.iterations;
  results.dropped_iterations = stats.dropped_iterations;
  results.late_iterations = stats.late_iterations;
  results.connections_opened = stats.connections_opened;
  results.transport_errors = stats.transport_errors;
  for (const Threshold& threshold : scenario.thresholds) {
    const metrics::LatencyHistogram* histogram = &stats.all;
    for (std::size_t i = 0; i < scenario.requests.size(); ++i) {
      if (scenario.requests[i].name == threshold.request) histogram = &stats.requests[i].duration;
    }
    ThresholdOutcome outcome;
    outcome.metric = threshold.metric;
    outcome.request = threshold.request;
    outcome.expression = threshold.expression;
    outcome.observed = observe(threshold, results, histogram);
    outcome.ok = outcome.observed && threshold.holds(*outcome.observed);
    outcome.observed_text = outcome.observed
                                ? describe_observed(threshold, *outcome.observed)
                                : "no samples: nothing was recorded for " + threshold.key();
    results.thresholds.push_back(std::move(outcome));
  }
  return results;
}

json::value results_to_json(const Results& r) {
  const uint64_t checks = r.check_passes + r.check_fails;
  json::object metrics{
      {"http_req_duration", trend_json(r.duration)},
      {"http_reqs", {{"count", r.requests}, {"rate", r.per_second(double(r.requests))}}},
      {"http_req_failed", rate_json(r.failed, r.requests)},
      {"http_5xx", rate_json(r.status_5xx, r.requests)},
      {"http_429", rate_json(r.status_429, r.requests)},
      {"http_req_skipped", {{"count", r.skipped}}},
      {"checks",
       {{"rate", share(r.check_passes, checks)},
        {"passes", r.check_passes},
        {"fails", r.check_fails}}},
      {"iterations", {{"count", r.iterations}, {"rate", r.per_second(double(r.iterations))}}},
      {"dropped_iterations", {{"count", r.dropped_iterations}}},
      {"late_iterations", {{"count", r.late_iterations}}},
      {"interrupted", {{"count", r.interrupted}}},
      {"connections_opened", {{"count", r.connections_opened}}},
      {"data_sent", {{"bytes", r.bytes_sent}, {"rate", r.per_second(double(r.bytes_sent))}}},
      {"data_received",
       {{"bytes", r.bytes_received}, {"rate", r.per_second(double(r.bytes_received))}}},
  };
  json::array thresholds;
  for (const ThresholdOutcome& outcome : r.thresholds) {
    thresholds.push_back(json::object{
        {"metric", outcome.metric},
        {"name", outcome.request.empty() ? json::value(nullptr) : json::value(outcome.request)},
        {"expression", outcome.expression},
        {"observed", outcome.observed ? json::value(*outcome.observed) : json::value(nullptr)},
        {"observed_text", outcome.observed_text},
        {"ok", outcome.ok}});
  }
  json::array requests;
  for (const RequestFigures& f : r.requests_by_name) {
    requests.push_back(json::object{
        {"name", f.name},
        {"method", f.method},
        {"path", f.path},
        {"http_req_duration", trend_json(f.duration)},
        {"http_reqs", {{"count", f.requests}, {"rate", r.per_second(double(f.requests))}}},
        {"http_req_failed", rate_json(f.failed, f.requests)},
        {"http_5xx", rate_json(f.status_5xx, f.requests)},
        {"http_429", rate_json(f.status_429, f.requests)},
        {"skipped", f.skipped},
        {"skip_reason", f.skip_reason.empty() ? json::value(nullptr) : json::value(f.skip_reason)},
        {"interrupted", f.interrupted},
        {"data_sent", f.bytes_sent},
        {"data_received", f.bytes_received},
        {"statuses", statuses_json(f.statuses)}});
  }
  json::array check_list;
  for (const CheckFigures& check : r.checks) {
    check_list.push_back(
        json::object{{"name", check.name}, {"passes", check.passes}, {"fails", check.fails}});
  }
  json::object errors;
  for (const auto& [error, n] : r.transport_errors) errors[error] = n;
  return json::object{
      {"schema", kResultsSchema},
      {"scenario",
       {{"name", r.scenario},
        {"description", r.description},
        {"file", r.file},
        {"executor", r.executor}}},
      {"target", r.target},
      {"started_at", r.started_at},
      {"duration_s", r.duration_s},
      {"planned_duration_s", r.planned_duration_s},
      {"stopped_early", r.stopped_early},
      {"settings",
       {{"vus_max", r.vus_max},
        {"rate", r.rate},
        {"threads", r.threads},
        {"duration_scale", r.duration_scale}}},
      {"generator", {{"cpu_user_s", r.cpu_user_s}, {"cpu_system_s", r.cpu_system_s}}},
      {"thresholds_ok", r.thresholds_ok()},
      {"thresholds", std::move(thresholds)},
      {"metrics", std::move(metrics)},
      {"statuses", statuses_json(r.statuses)},
      {"transport_errors", std::move(errors)},
      {"requests", std::move(requests)},
      {"checks", std::move(check_list)},
  };
}

Result<Results> results_from_json(const json::value& root) {
  try {
    return read_results(root);
  } catch (const ReadError& error) {
    return Error(ErrorCode::kInvalidArgument,
                 error.path == "schema"
                     ? std::string("not a regenctl bench results file (schema is not \"") +
                           std::string(kResultsSchema) + "\")"
                     : "missing or mistyped member " + error.path);
  }
}

}  // namespace regen::ctl::bench
