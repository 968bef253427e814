#include "regenctl/bench/summary.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "regenctl/bench/units.h"

namespace regen::ctl::bench {
namespace {

constexpr std::size_t kLabelWidth = 34;

// ✓ in green, ✗ in red (SGR colours, as regenctl/terminal.h paints tables).
std::string mark(bool ok, bool colour) {
  if (!colour) return ok ? "✓" : "✗";
  return ok ? "\x1b[32m✓\x1b[0m" : "\x1b[31m✗\x1b[0m";
}

std::string verdict_word(bool ok, bool colour) {
  if (!colour) return ok ? "passed" : "FAILED";
  return ok ? "\x1b[32mpassed\x1b[0m" : "\x1b[31mFAILED\x1b[0m";
}

// A "label.......: value" line. Labels are ASCII except the tag lines, which are padded alike.
std::string line(std::string_view label, std::string_view value, std::size_t indent = 4) {
  std::string out(indent, ' ');
  out += label;
  const std::size_t used = indent + label.size();
  const std::size_t width = 4 + kLabelWidth;  // tag lines align with their metric
  out += std::string(used + 1 < width ? width - used : 1, '.');
  out += ": ";
  out += value;
  out += '\n';
  return out;
}

std::string trend_text(const TrendFigures& trend) {
  if (trend.count == 0) return "no samples";
  auto l = [](double ms) { return format_latency(ms * 1e6); };
  return "avg=" + l(trend.avg) + " min=" + l(trend.min) + " med=" + l(trend.med) +
         " max=" + l(trend.max) + " p(90)=" + l(trend.p90) + " p(95)=" + l(trend.p95) +
         " p(99)=" + l(trend.p99) + " p(99.9)=" + l(trend.p999);
}

std::string share_text(uint64_t part, uint64_t whole) {
  const double share = whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
  std::string value = format_percent(share);
  value.resize(std::max<std::size_t>(value.size(), 7), ' ');
  return value + " " + std::to_string(part) + " out of " + std::to_string(whole);
}

std::string count_rate(const Results& results, uint64_t count) {
  std::string value = std::to_string(count);
  value.resize(std::max<std::size_t>(value.size(), 7), ' ');
  return value + " " + format_decimal(results.per_second(static_cast<double>(count)), 2) + "/s";
}

std::string statuses_text(const std::map<int, uint64_t>& statuses) {
  std::string text;
  for (const auto& [status, count] : statuses) {
    if (!text.empty()) text += ' ';
    text +=
        (status == 0 ? std::string("none") : std::to_string(status)) + "=" + std::to_string(count);
  }
  return text.empty() ? "-" : text;
}

std::string header(const Results& r) {
  std::string load;
  if (r.executor == "constant-arrival-rate") {
    load = format_decimal(r.rate, 2) + " iterations/s on up to " + std::to_string(r.vus_max) +
           " connections";
  } else if (r.executor == "constant-connections") {
    load = std::to_string(r.vus_max) + " connections, no think time";
  } else {
    load = "up to " + std::to_string(r.vus_max) + " users";
  }
  std::string out = "\n";
  out += "  scenario: " + r.scenario + (r.file.empty() ? "" : " (" + r.file + ")") + "\n";
  out += "  target:   " + r.target + "\n";
  out += "  executor: " + r.executor + ", " + load + ", " +
         format_span(Nanos(static_cast<int64_t>(r.planned_duration_s * 1e9)));
  if (r.duration_scale != 1.0) out += " (scaled by " + format_decimal(r.duration_scale, 4) + ")";
  if (r.threads > 1) out += ", " + std::to_string(r.threads) + " threads";
  out += "\n  started:  " + r.started_at + "\n";
  if (r.stopped_early)
    out += "  stopped early (interrupted) after " + format_decimal(r.duration_s, 1) + "s\n";
  return out;
}

std::string thresholds_block(const Results& r, bool colour) {
  if (r.thresholds.empty()) return "";
  std::string out = "\n  █ THRESHOLDS\n";
  std::string previous;
  for (const ThresholdOutcome& outcome : r.thresholds) {
    if (outcome.key() != previous) {
      out += "\n    " + outcome.key() + "\n";
      previous = outcome.key();
    }
    out += "    " + mark(outcome.ok, colour) + " '" + outcome.expression + "' " +
           outcome.observed_text + "\n";
  }
  return out;
}

std::string checks_block(const Results& r, bool colour) {
  if (r.checks.empty()) return "";
  const uint64_t total = r.check_passes + r.check_fails;
  std::string out;
  out += line("checks_total", count_rate(r, total));
  out += line("checks_succeeded", share_text(r.check_passes, total));
  out += line("checks_failed", share_text(r.check_fails, total));
  out += '\n';
  for (const CheckFigures& check : r.checks) {
    const bool ok = check.fails == 0;
    out += "    " + mark(ok, colour) + " " + check.name + "\n";
    if (!ok) {
      const uint64_t all = check.passes + check.fails;
      out += "      ↳  " + format_percent(all ? double(check.passes) / double(all) : 0) + " — ✓ " +
             std::to_string(check.passes) + " / ✗ " + std::to_string(check.fails) + "\n";
    }
  }
  return out + "\n";
}

std::string http_block(const Results& r) {
  std::string out = "    HTTP\n";
  out += line("http_req_duration", trend_text(r.duration));
  if (r.requests_by_name.size() > 1) {
    for (const RequestFigures& f : r.requests_by_name) {
      out += line("{ name:" + f.name + " }", trend_text(f.duration), 6);
    }
  }
  out += line("http_req_failed", share_text(r.failed, r.requests));
  out += line("http_reqs", count_rate(r, r.requests));
  if (r.requests_by_name.size() > 1) {
    for (const RequestFigures& f : r.requests_by_name) {
      out += line("{ name:" + f.name + " }", count_rate(r, f.requests), 6);
    }
  }
  out += line("http_5xx", share_text(r.status_5xx, r.requests));
  out += line("http_429", share_text(r.status_429, r.requests));
  out += line("http_statuses", statuses_text(r.statuses));
  for (const auto& [error, count] : r.transport_errors) {
    out += line("no response", std::to_string(count) + " × " + error, 6);
  }
  if (r.skipped > 0) {
    out += line("http_req_skipped", std::to_string(r.skipped));
    for (const RequestFigures& f : r.requests_by_name) {
      if (f.skipped > 0) {
        out += line("{ name:" + f.name + " }",
                    std::to_string(f.skipped) + " (" + f.skip_reason + ")", 6);
      }
    }
  }
  return out;
}

std::string execution_block(const Results& r) {
  std::string out = "\n    EXECUTION\n";
  out += line("iterations", count_rate(r, r.iterations));
  if (r.executor == "constant-arrival-rate") {
    out += line("late_iterations",
                std::to_string(r.late_iterations) + " (waited for a free connection)");
    out += line("dropped_iterations",
                std::to_string(r.dropped_iterations) + " (never started before the end)");
  }
  out += line("interrupted",
              std::to_string(r.interrupted) + " (in flight when the graceful stop ran out)");
  out += line(
      r.executor.find("connections") != std::string::npos || r.executor == "constant-arrival-rate"
          ? "connections_max"
          : "vus_max",
      std::to_string(r.vus_max));
  out += line("connections_opened", std::to_string(r.connections_opened));
  const double cpu = r.cpu_user_s + r.cpu_system_s;
  out += line("generator_cpu", format_decimal(cpu, 2) + "s, " +
                                   format_percent(r.duration_s > 0 ? cpu / r.duration_s : 0) +
                                   " of one core (" + std::to_string(r.threads) +
                                   (r.threads == 1 ? " thread)" : " threads)"));
  return out;
}

std::string network_block(const Results& r) {
  std::string out = "\n    NETWORK\n";
  auto data = [&](uint64_t bytes) {
    std::string value = format_bytes(static_cast<double>(bytes));
    value.resize(std::max<std::size_t>(value.size(), 7), ' ');
    return value + " " + format_bytes(r.per_second(static_cast<double>(bytes))) + "/s";
  };
  out += line("data_received", data(r.bytes_received));
  out += line("data_sent", data(r.bytes_sent));
  return out;
}

}  // namespace

std::string render_text_summary(const Results& results, bool colour) {
  std::string out = header(results);
  out += thresholds_block(results, colour);
  out += "\n\n  █ TOTAL RESULTS\n\n";
  out += checks_block(results, colour);
  out += http_block(results);
  out += execution_block(results);
  out += network_block(results);
  out += "\n  ran " + format_decimal(results.duration_s, 1) + "s, " +
         std::to_string(results.iterations) + " iterations, thresholds " +
         (results.thresholds.empty() ? "none" : verdict_word(results.thresholds_ok(), colour)) +
         "\n";
  return out;
}

}  // namespace regen::ctl::bench
