#pragma once
// The end-of-run summary for people, laid out as k6 users know it: the run's header, a
// THRESHOLDS block (✓/✗ with the observed value), then TOTAL RESULTS with checks, HTTP,
// EXECUTION and NETWORK sections. Pure; colour only when asked (terminal.h decides).

#include <string>

#include "regenctl/bench/results.h"

namespace regen::ctl::bench {

std::string render_text_summary(const Results& results, bool colour);

}  // namespace regen::ctl::bench
