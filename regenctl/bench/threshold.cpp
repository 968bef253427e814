#include "regenctl/bench/threshold.h"

#include <array>
#include <charconv>
#include <cmath>

#include "regenctl/bench/units.h"

namespace regen::ctl::bench {
namespace {

struct KnownMetric {
  std::string_view name;
  MetricKind kind;
  bool takes_name;
};

constexpr std::array<KnownMetric, 11> kMetrics{{
    {"http_req_duration", MetricKind::kTrend, true},
    {"http_req_failed", MetricKind::kRate, true},
    {"http_5xx", MetricKind::kRate, true},
    {"http_429", MetricKind::kRate, true},
    {"http_reqs", MetricKind::kCounter, true},
    {"checks", MetricKind::kRate, false},
    {"checks_failed", MetricKind::kRate, false},
    {"iterations", MetricKind::kCounter, false},
    {"dropped_iterations", MetricKind::kCounter, false},
    {"interrupted", MetricKind::kCounter, false},
    {"http_req_skipped", MetricKind::kCounter, true},
}};

Error threshold_error(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The limit of a trend threshold in milliseconds: "200" (ms), "200ms", "2s", "500us".
std::optional<double> parse_trend_limit(std::string_view text) {
  if (auto plain = parse_number(text)) return plain;
  if (auto duration = parse_duration(text)) return static_cast<double>(duration->count()) / 1e6;
  return std::nullopt;
}

// Splits "p(99)<200" at its operator.
bool split_comparison(std::string_view expression, std::string_view& lhs, Threshold::Op& op,
                      std::string_view& rhs) {
  const std::size_t at = expression.find_first_of("<>=");
  if (at == std::string_view::npos) return false;
  lhs = trim(expression.substr(0, at));
  const bool or_equal = at + 1 < expression.size() && expression[at + 1] == '=';
  switch (expression[at]) {
    case '<':
      op = or_equal ? Threshold::Op::kLessEqual : Threshold::Op::kLess;
      break;
    case '>':
      op = or_equal ? Threshold::Op::kGreaterEqual : Threshold::Op::kGreater;
      break;
    default:
      if (!or_equal) return false;
      op = Threshold::Op::kEqual;
  }
  rhs = trim(expression.substr(at + (or_equal ? 2 : 1)));
  return true;
}

bool parse_stat(std::string_view text, Threshold& threshold) {
  using Stat = Threshold::Stat;
  if (text == "avg")
    threshold.stat = Stat::kAvg;
  else if (text == "min")
    threshold.stat = Stat::kMin;
  else if (text == "med")
    threshold.stat = Stat::kMed;
  else if (text == "max")
    threshold.stat = Stat::kMax;
  else if (text == "rate")
    threshold.stat = Stat::kRate;
  else if (text == "count")
    threshold.stat = Stat::kCount;
  else if (text.size() > 3 && text.substr(0, 2) == "p(" && text.back() == ')') {
    const std::optional<double> percentile = parse_number(text.substr(2, text.size() - 3));
    if (!percentile || *percentile < 0 || *percentile > 100) return false;
    threshold.stat = Stat::kPercentile;
    threshold.percentile = *percentile;
  } else {
    return false;
  }
  return true;
}

std::string_view op_text(Threshold::Op op) {
  switch (op) {
    case Threshold::Op::kLess:
      return "<";
    case Threshold::Op::kLessEqual:
      return "<=";
    case Threshold::Op::kGreater:
      return ">";
    case Threshold::Op::kGreaterEqual:
      return ">=";
    case Threshold::Op::kEqual:
      return "==";
  }
  return "?";
}

std::string_view stats_for(MetricKind kind) {
  switch (kind) {
    case MetricKind::kTrend:
      return "avg, min, med, max or p(N)";
    case MetricKind::kRate:
      return "rate (a share from 0 to 1) or count";
    case MetricKind::kCounter:
      return "count or rate (per second)";
  }
  return "";
}

bool stat_fits(Threshold::Stat stat, MetricKind kind) {
  const bool trend_stat = stat != Threshold::Stat::kRate && stat != Threshold::Stat::kCount;
  return trend_stat == (kind == MetricKind::kTrend);
}

}  // namespace

std::optional<MetricKind> metric_kind(std::string_view metric) {
  for (const KnownMetric& known : kMetrics) {
    if (known.name == metric) return known.kind;
  }
  return std::nullopt;
}

bool metric_takes_name(std::string_view metric) {
  for (const KnownMetric& known : kMetrics) {
    if (known.name == metric) return known.takes_name;
  }
  return false;
}

std::string_view known_metrics() {
  return "http_req_duration, http_req_failed, http_5xx, http_429, http_reqs, http_req_skipped, "
         "checks, checks_failed, iterations, dropped_iterations, interrupted";
}

std::string Threshold::key() const {
  return request.empty() ? metric : metric + "{name:" + request + "}";
}

std::string Threshold::stat_name() const {
  switch (stat) {
    case Stat::kAvg:
      return "avg";
    case Stat::kMin:
      return "min";
    case Stat::kMed:
      return "med";
    case Stat::kMax:
      return "max";
    case Stat::kPercentile:
      return "p(" + format_decimal(percentile, 3) + ")";
    case Stat::kRate:
      return "rate";
    case Stat::kCount:
      return "count";
  }
  return "?";
}

bool Threshold::holds(double observed) const {
  switch (op) {
    case Op::kLess:
      return observed < limit;
    case Op::kLessEqual:
      return observed <= limit;
    case Op::kGreater:
      return observed > limit;
    case Op::kGreaterEqual:
      return observed >= limit;
    case Op::kEqual:
      return observed == limit;
  }
  return false;
}

Result<std::pair<std::string, std::string>> parse_metric_key(std::string_view key) {
  std::string_view metric = trim(key);
  std::string request;
  if (const std::size_t brace = metric.find('{'); brace != std::string_view::npos) {
    std::string_view tag = metric.substr(brace);
    metric = trim(metric.substr(0, brace));
    if (tag.back() != '}' || trim(tag.substr(1, tag.size() - 2)).substr(0, 5) != "name:") {
      return threshold_error("'" + std::string(key) +
                             "': the only tag is {name:REQUEST}, as in "
                             "\"http_req_duration{name:incident_list}\"");
    }
    request = std::string(trim(trim(tag.substr(1, tag.size() - 2)).substr(5)));
    if (request.empty()) return threshold_error("'" + std::string(key) + "': empty request name");
  }
  if (!metric_kind(metric)) {
    return threshold_error("unknown metric '" + std::string(metric) +
                           "' (known: " + std::string(known_metrics()) + ")");
  }
  if (!request.empty() && !metric_takes_name(metric)) {
    return threshold_error("'" + std::string(metric) + "' is not per request: drop the {name:...}");
  }
  return std::pair(std::string(metric), request);
}

Result<Threshold> parse_threshold(std::string_view key, std::string_view expression) {
  auto parsed_key = parse_metric_key(key);
  if (!parsed_key) return parsed_key.error();
  Threshold threshold;
  threshold.metric = parsed_key.value().first;
  threshold.request = parsed_key.value().second;
  threshold.expression = std::string(trim(expression));
  const MetricKind kind = *metric_kind(threshold.metric);
  const std::string quoted = "'" + threshold.expression + "'";
  std::string_view lhs;
  std::string_view rhs;
  if (!split_comparison(threshold.expression, lhs, threshold.op, rhs)) {
    return threshold_error(quoted +
                           ": expected STAT OP VALUE, like \"p(99)<200\" or \"rate<0.01\"");
  }
  if (!parse_stat(lhs, threshold)) {
    return threshold_error(quoted + ": unknown statistic '" + std::string(lhs) + "' (" +
                           threshold.metric + " takes " + std::string(stats_for(kind)) + ")");
  }
  if (!stat_fits(threshold.stat, kind)) {
    return threshold_error(quoted + " does not apply to " + threshold.metric + " (use " +
                           std::string(stats_for(kind)) + ")");
  }
  const std::optional<double> limit =
      kind == MetricKind::kTrend ? parse_trend_limit(rhs) : parse_number(rhs);
  if (!limit) {
    return threshold_error(quoted + ": expected " +
                           (kind == MetricKind::kTrend
                                ? "milliseconds, or a duration like 2s or 500us,"
                                : "a number") +
                           " after '" + std::string(op_text(threshold.op)) + "'");
  }
  threshold.limit = *limit;
  return threshold;
}

std::string describe_observed(const Threshold& threshold, double observed) {
  const std::string stat = threshold.stat_name() + "=";
  const MetricKind kind = metric_kind(threshold.metric).value_or(MetricKind::kCounter);
  switch (kind) {
    case MetricKind::kTrend:
      return stat + format_latency(observed * 1e6);
    case MetricKind::kRate:
      if (threshold.stat == Threshold::Stat::kRate) return stat + format_percent(observed);
      return stat + format_decimal(observed, 0);
    case MetricKind::kCounter:
      if (threshold.stat == Threshold::Stat::kRate)
        return stat + format_decimal(observed, 2) + "/s";
      return stat + format_decimal(observed, 0);
  }
  return stat;
}

}  // namespace regen::ctl::bench
