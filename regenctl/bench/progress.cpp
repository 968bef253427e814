#include "regenctl/bench/progress.h"

#include <algorithm>

namespace regen::ctl::bench {

std::string render_progress(std::string_view scenario, const ProgressFigures& figures) {
  const double share = figures.requests == 0 ? 0.0
                                             : static_cast<double>(figures.failed) /
                                                   static_cast<double>(figures.requests);
  std::string line(scenario);
  line += "  " + format_span(figures.elapsed) + "/" + format_span(figures.total);
  line += "  users " + std::to_string(figures.active_vus) + "/" + std::to_string(figures.max_vus);
  line += "  " + format_decimal(figures.requests_per_s, 1) + " req/s";
  line += "  reqs " + std::to_string(figures.requests);
  line += "  p99 " + (figures.p99_ms ? format_latency(*figures.p99_ms * 1e6) : std::string("-"));
  line += "  failed " + std::to_string(figures.failed) + " (" + format_percent(share) + ")";
  return line;
}

Nanos plain_progress_interval(Nanos total) {
  return std::clamp<Nanos>(total / 10, std::chrono::seconds(1), std::chrono::seconds(10));
}

}  // namespace regen::ctl::bench
