#pragma once
// Runs a loaded scenario against a target: starts one event-loop
// thread per --threads (worker.h), shows progress on stderr, stops early on SIGINT/SIGTERM
// (a second one kills as usual), and merges the threads' figures into Results.

#include <ostream>
#include <string>

#include "common/result.h"
#include "regenctl/bench/results.h"
#include "regenctl/bench/run_plan.h"
#include "regenctl/bench/scenario.h"

namespace regen::ctl::bench {

struct RunOptions {
  int threads = 1;
  double duration_scale = 1;
  enum class Progress { kNone, kPlain, kTerminal };
  Progress progress = Progress::kPlain;
};

// kUnavailable (the caller exits 5) when the host does not resolve; kInvalidArgument (exit 2)
// when the run cannot be set up (too few file descriptors for its users); kInternal when epoll
// fails; otherwise the figures, thresholds judged. `progress` receives the progress lines.
// Blocks for the scenario's duration. Checking that the target answers at all is the caller's
// business (Scenario::preflight_path).
Result<Results> run_scenario(const Scenario& scenario, const Target& target,
                             const RunOptions& options, std::ostream& progress);

}  // namespace regen::ctl::bench
