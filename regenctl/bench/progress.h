#pragma once
// The live progress of a run, on stderr so that stdout holds only the summary: one line
// redrawn in place on a terminal, plain lines every few seconds otherwise (CI logs).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "regenctl/bench/units.h"

namespace regen::ctl::bench {

struct ProgressFigures {
  Nanos elapsed{0};
  Nanos total{0};
  int active_vus = 0;
  int max_vus = 0;
  uint64_t requests = 0;
  uint64_t failed = 0;
  double requests_per_s = 0;     // over the last interval
  std::optional<double> p99_ms;  // so far; nullopt before the first response
};

// "webhook-sustained  1m12s/5m0s  users 50/50  152.3 req/s  p99 12.31ms  failed 0 (0.00%)".
std::string render_progress(std::string_view scenario, const ProgressFigures& figures);

// How often plain (non-terminal) progress lines are printed for a run of `total`: a tenth of
// it, between 1 and 10 seconds.
Nanos plain_progress_interval(Nanos total);

}  // namespace regen::ctl::bench
