#include "regenctl/bench/report.h"

#include <algorithm>
#include <functional>

#include "regenctl/bench/units.h"

namespace regen::ctl::bench {
namespace {

using Row = std::vector<std::string>;

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string table(const Row& headers, const std::vector<Row>& rows) {
  auto render_row = [](const Row& row) {
    std::string out = "|";
    for (const std::string& cell : row) out += " " + escape(cell) + " |";
    return out + "\n";
  };
  // Text columns align left, figures right.
  auto is_text = [](const std::string& header) {
    return header == "started" || header == "request" || header == "scenario" ||
           header == "model" || header == "executor" || header == "thresholds" ||
           header == "metric" || header == "threshold" || header == "observed" || header == "ok";
  };
  std::string out = render_row(headers);
  out += "|";
  for (const std::string& header : headers) out += is_text(header) ? "---|" : "---:|";
  out += "\n";
  for (const Row& row : rows) out += render_row(row);
  return out;
}

std::string ms_text(double ms, uint64_t count) {
  return count == 0 ? "-" : format_latency(ms * 1e6);
}

std::string percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-" : format_percent(static_cast<double>(part) / static_cast<double>(whole));
}

std::string rate_text(const Results& r, uint64_t count) {
  return format_decimal(r.per_second(static_cast<double>(count)), 1);
}

// "2026-11-22 10:00 UTC" from "2026-11-22T10:00:00.123Z".
std::string started(const Results& r) {
  if (r.started_at.size() < 16) return r.started_at;
  return r.started_at.substr(0, 10) + " " + r.started_at.substr(11, 5) + " UTC";
}

std::string span(const Results& r) {
  return format_span(Nanos(static_cast<int64_t>(r.duration_s * 1e9)));
}

std::string verdict(const Results& r) {
  if (r.thresholds.empty()) return "none";
  std::string failed;
  std::size_t passed = 0;
  for (const ThresholdOutcome& outcome : r.thresholds) {
    if (outcome.ok) {
      ++passed;
    } else {
      failed += (failed.empty() ? "" : "; ") + outcome.key() + " " + outcome.expression + " (" +
                outcome.observed_text + ")";
    }
  }
  const std::string count = std::to_string(passed) + "/" + std::to_string(r.thresholds.size());
  return failed.empty() ? "✓ " + count : "✗ " + count + ": " + failed;
}

std::string failed_checks(const Results& r) {
  return percent(r.check_fails, r.check_passes + r.check_fails);
}

// The verdict of the thresholds tagged with one request name.
std::string request_verdict(const Results& r, const std::string& name) {
  std::string text;
  for (const ThresholdOutcome& outcome : r.thresholds) {
    if (outcome.request != name) continue;
    text += (text.empty() ? "" : ", ") + std::string(outcome.ok ? "✓ " : "✗ ") +
            outcome.expression + " (" + outcome.observed_text + ")";
  }
  return text.empty() ? "-" : text;
}

bool connection_based(const Results& r) {
  return r.executor == "constant-connections" || r.executor == "constant-arrival-rate";
}

std::string sustained_section(const std::vector<const Results*>& runs) {
  std::vector<Row> rows;
  for (const Results* r : runs) {
    rows.push_back({started(*r), std::to_string(r->vus_max), span(*r), std::to_string(r->requests),
                    rate_text(*r, r->requests), ms_text(r->duration.med, r->duration.count),
                    ms_text(r->duration.p95, r->duration.count),
                    ms_text(r->duration.p99, r->duration.count),
                    ms_text(r->duration.max, r->duration.count),
                    percent(r->status_5xx, r->requests), failed_checks(*r), verdict(*r)});
  }
  return "## Webhook ingestion, sustained (webhook-sustained)\n\n" +
         table({"started", "users", "duration", "requests", "req/s", "p50", "p95", "p99", "max",
                "5xx", "failed checks", "thresholds"},
               rows);
}

std::string burst_section(const std::vector<const Results*>& runs) {
  std::vector<Row> rows;
  for (const Results* r : runs) {
    rows.push_back({started(*r), std::to_string(r->vus_max), span(*r), std::to_string(r->requests),
                    rate_text(*r, r->requests), ms_text(r->duration.med, r->duration.count),
                    ms_text(r->duration.p99, r->duration.count),
                    ms_text(r->duration.max, r->duration.count), std::to_string(r->status_5xx),
                    std::to_string(r->status_429), percent(r->status_429, r->requests),
                    verdict(*r)});
  }
  return "## Webhook burst from one client (webhook-burst)\n\n" +
         table({"started", "peak users", "duration", "requests", "req/s", "p50", "p99", "max",
                "5xx", "429", "429 share", "thresholds"},
               rows);
}

std::string api_section(const std::vector<const Results*>& runs) {
  std::vector<Row> rows;
  for (const Results* r : runs) {
    for (const RequestFigures& f : r->requests_by_name) {
      rows.push_back(
          {started(*r), f.name, std::to_string(f.requests), rate_text(*r, f.requests),
           ms_text(f.duration.med, f.duration.count), ms_text(f.duration.p95, f.duration.count),
           ms_text(f.duration.p99, f.duration.count), ms_text(f.duration.max, f.duration.count),
           percent(f.failed, f.requests), request_verdict(*r, f.name)});
    }
    rows.push_back(
        {started(*r), "all", std::to_string(r->requests), rate_text(*r, r->requests),
         ms_text(r->duration.med, r->duration.count), ms_text(r->duration.p95, r->duration.count),
         ms_text(r->duration.p99, r->duration.count), ms_text(r->duration.max, r->duration.count),
         percent(r->failed, r->requests), verdict(*r)});
  }
  return "## API reads (api-read)\n\n" + table({"started", "request", "requests", "req/s", "p50",
                                                "p95", "p99", "max", "errors", "thresholds"},
                                               rows);
}

std::string capacity_section(const std::vector<const Results*>& runs) {
  std::vector<Row> rows;
  for (const Results* r : runs) {
    const bool open = r->executor == "constant-arrival-rate";
    rows.push_back(
        {r->scenario, open ? "open, " + format_decimal(r->rate, 1) + "/s" : "closed",
         std::to_string(r->vus_max), span(*r), std::to_string(r->requests),
         rate_text(*r, r->requests), ms_text(r->duration.med, r->duration.count),
         ms_text(r->duration.p99, r->duration.count), ms_text(r->duration.p999, r->duration.count),
         percent(r->failed, r->requests),
         open ? std::to_string(r->late_iterations) + " / " + std::to_string(r->dropped_iterations)
              : "-"});
  }
  return "## Capacity\n\n" + table({"scenario", "model", "connections", "duration", "requests",
                                    "req/s", "p50", "p99", "p99.9", "errors", "late / dropped"},
                                   rows);
}

std::string other_section(const std::vector<const Results*>& runs) {
  std::vector<Row> rows;
  for (const Results* r : runs) {
    rows.push_back({r->scenario, r->executor, std::to_string(r->vus_max), span(*r),
                    std::to_string(r->requests), rate_text(*r, r->requests),
                    ms_text(r->duration.med, r->duration.count),
                    ms_text(r->duration.p99, r->duration.count), percent(r->failed, r->requests),
                    verdict(*r)});
  }
  return "## Other scenarios\n\n" + table({"scenario", "executor", "users", "duration", "requests",
                                           "req/s", "p50", "p99", "failed", "thresholds"},
                                          rows);
}

std::string targets_note(const std::vector<const Results*>& runs) {
  std::vector<std::string> targets;
  for (const Results* r : runs) {
    if (std::find(targets.begin(), targets.end(), r->target) == targets.end()) {
      targets.push_back(r->target);
    }
  }
  std::string note = "Target";
  note += targets.size() > 1 ? "s " : " ";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    note += (i ? ", `" : "`") + targets[i] + "`";
  }
  return note + ".\n";
}

}  // namespace

std::string render_markdown_summary(const Results& r) {
  std::string out = "## " + escape(r.scenario) + "\n\n";
  out += "`" + r.target + "`, started " + started(r) + ", " + r.executor + ", " +
         std::to_string(r.vus_max) + (connection_based(r) ? " connections" : " users at most") +
         ", ran " + span(r) + (r.stopped_early ? " (stopped early)" : "") + ".\n\n";
  if (!r.thresholds.empty()) {
    std::vector<Row> rows;
    for (const ThresholdOutcome& outcome : r.thresholds) {
      rows.push_back(
          {outcome.key(), outcome.expression, outcome.observed_text, outcome.ok ? "✓" : "✗"});
    }
    out += table({"metric", "threshold", "observed", "ok"}, rows) + "\n";
  }
  std::vector<Row> rows;
  auto add = [&](const std::string& name, const TrendFigures& d, uint64_t requests, uint64_t failed,
                 uint64_t five, uint64_t limited) {
    rows.push_back({name, std::to_string(requests), rate_text(r, requests), ms_text(d.avg, d.count),
                    ms_text(d.med, d.count), ms_text(d.p90, d.count), ms_text(d.p95, d.count),
                    ms_text(d.p99, d.count), ms_text(d.max, d.count), percent(failed, requests),
                    std::to_string(five), std::to_string(limited)});
  };
  for (const RequestFigures& f : r.requests_by_name) {
    add(f.name, f.duration, f.requests, f.failed, f.status_5xx, f.status_429);
  }
  if (r.requests_by_name.size() > 1) {
    add("all", r.duration, r.requests, r.failed, r.status_5xx, r.status_429);
  }
  out += table({"request", "requests", "req/s", "avg", "p50", "p90", "p95", "p99", "max", "failed",
                "5xx", "429"},
               rows);
  out += "\nChecks: " + failed_checks(r) + " failed (" + std::to_string(r.check_fails) + " of " +
         std::to_string(r.check_passes + r.check_fails) +
         "). Iterations: " + std::to_string(r.iterations) +
         ". Data: " + format_bytes(double(r.bytes_sent)) + " sent, " +
         format_bytes(double(r.bytes_received)) + " received.\n";
  return out;
}

std::string render_report(const std::vector<Results>& results) {
  struct Section {
    std::function<bool(const Results&)> takes;
    std::function<std::string(const std::vector<const Results*>&)> render;
  };
  const std::vector<Section> sections{
      {[](const Results& r) { return r.scenario == "webhook-sustained"; }, sustained_section},
      {[](const Results& r) { return r.scenario == "webhook-burst"; }, burst_section},
      {[](const Results& r) { return r.scenario == "api-read"; }, api_section},
      {[](const Results& r) { return connection_based(r); }, capacity_section},
      {[](const Results&) { return true; }, other_section},
  };
  std::vector<bool> placed(results.size(), false);
  std::string out;
  for (const Section& section : sections) {
    std::vector<const Results*> runs;
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!placed[i] && section.takes(results[i])) {
        runs.push_back(&results[i]);
        placed[i] = true;
      }
    }
    if (runs.empty()) continue;
    if (!out.empty()) out += "\n";
    out += section.render(runs) + "\n" + targets_note(runs);
  }
  return out;
}

}  // namespace regen::ctl::bench
