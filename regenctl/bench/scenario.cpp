#include "regenctl/bench/scenario.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#ifndef REGEN_LOAD_TESTS_DIR
#define REGEN_LOAD_TESTS_DIR "/usr/local/share/regen/load-tests"
#endif

namespace regen::ctl::bench {
namespace {

Error usage(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

bool is_regular_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool is_closed_vus(Executor executor) {
  return executor == Executor::kRampingVus || executor == Executor::kConstantVus;
}

// Scales every target so that the peak becomes `peak`; a non-zero target stays at least 1.
void scale_targets(Scenario& scenario, int peak) {
  const int old_peak = scenario.max_vus();
  if (old_peak <= 0) return;
  auto scaled = [&](int target) {
    if (target == 0) return 0;
    const double exact = static_cast<double>(target) * peak / old_peak;
    return std::max(1, static_cast<int>(std::lround(exact)));
  };
  scenario.start_vus = scaled(scenario.start_vus);
  for (Stage& stage : scenario.stages) stage.target = scaled(stage.target);
}

}  // namespace

std::string_view executor_name(Executor executor) {
  switch (executor) {
    case Executor::kRampingVus:
      return "ramping-vus";
    case Executor::kConstantVus:
      return "constant-vus";
    case Executor::kConstantConnections:
      return "constant-connections";
    case Executor::kConstantArrivalRate:
      return "constant-arrival-rate";
  }
  return "?";
}

bool RequestSpec::needs_body() const {
  if (!extract.empty()) return true;
  return std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.needs_body(); });
}

Nanos Scenario::total_duration() const {
  Nanos total{0};
  for (const Stage& stage : stages) total += stage.duration;
  return total;
}

int Scenario::max_vus() const {
  int peak = start_vus;
  for (const Stage& stage : stages) peak = std::max(peak, stage.target);
  return peak;
}

int Scenario::target_vus(Nanos elapsed) const {
  int from = start_vus;
  Nanos stage_start{0};
  for (const Stage& stage : stages) {
    const Nanos stage_end = stage_start + stage.duration;
    if (elapsed < stage_end) {
      const double fraction = static_cast<double>((elapsed - stage_start).count()) /
                              static_cast<double>(stage.duration.count());
      // Truncated toward `from`, so a ramp reaches its target only at the end of its stage.
      return from + static_cast<int>(static_cast<double>(stage.target - from) * fraction);
    }
    from = stage.target;
    stage_start = stage_end;
  }
  return from;
}

bool Scenario::uses_token() const {
  for (const RequestSpec& request : requests) {
    if (request.path.uses(VarRef::Kind::kToken) || request.body.uses(VarRef::Kind::kToken)) {
      return true;
    }
    for (const auto& [header, value] : request.headers) {
      if (value.uses(VarRef::Kind::kToken)) return true;
    }
  }
  return std::any_of(vars.begin(), vars.end(),
                     [](const VarDef& var) { return var.text.uses(VarRef::Kind::kToken); });
}

Result<void> apply_overrides(Scenario& scenario, const Overrides& overrides) {
  const std::string executor =
      "'" + scenario.name + "' is " + std::string(executor_name(scenario.executor));
  const bool connections_based = !is_closed_vus(scenario.executor);
  if (overrides.rate) {
    if (!connections_based) {
      return usage("--rate applies to constant-connections and constant-arrival-rate scenarios; " +
                   executor);
    }
    scenario.executor = Executor::kConstantArrivalRate;
    scenario.rate = *overrides.rate;
  }
  if (overrides.vus) {
    if (connections_based)
      return usage("--vus does not apply: " + executor + "; use --connections");
    if (scenario.executor == Executor::kConstantVus) {
      scenario.start_vus = *overrides.vus;
      scenario.stages.front().target = *overrides.vus;
    } else {
      scale_targets(scenario, *overrides.vus);
    }
  }
  if (overrides.connections) {
    if (!connections_based)
      return usage("--connections does not apply: " + executor + "; use --vus");
    scenario.start_vus = *overrides.connections;
    scenario.stages.front().target = *overrides.connections;
  }
  if (overrides.duration) {
    if (scenario.executor == Executor::kRampingVus) {
      return usage("--duration does not apply: " + executor +
                   " (its stages set the duration); use --duration-scale");
    }
    scenario.stages.front().duration = *overrides.duration;
  }
  if (overrides.duration_scale != 1.0) {
    for (Stage& stage : scenario.stages) {
      stage.duration = Nanos(static_cast<int64_t>(
          std::llround(static_cast<double>(stage.duration.count()) * overrides.duration_scale)));
    }
  }
  if (scenario.total_duration() <= Nanos(0)) {
    return usage("'" + scenario.name + "' would run for no time at all");
  }
  return {};
}

void bind_token(Scenario& scenario, std::string_view token) {
  for (RequestSpec& request : scenario.requests) {
    request.path.fold(VarRef::Kind::kToken, token);
    request.body.fold(VarRef::Kind::kToken, token);
    for (auto& [name, value] : request.headers) value.fold(VarRef::Kind::kToken, token);
  }
  for (VarDef& var : scenario.vars) var.text.fold(VarRef::Kind::kToken, token);
}

std::string_view installed_scenario_dir() { return REGEN_LOAD_TESTS_DIR; }

Result<std::string> resolve_scenario_path(std::string_view scenario, const EnvLookupFn& env) {
  const std::string text(scenario);
  const bool is_path = text.find('/') != std::string::npos ||
                       (text.size() > 5 && text.substr(text.size() - 5) == ".toml");
  if (is_path) {
    if (is_regular_file(text)) return text;
    return usage("scenario file " + text + " not found");
  }
  std::vector<std::string> dirs{"./load-tests"};
  if (std::optional<std::string> dir = env("REGEN_LOAD_TESTS"); dir && !dir->empty()) {
    dirs.push_back(*dir);
  }
  dirs.emplace_back(installed_scenario_dir());
  std::string tried;
  for (const std::string& dir : dirs) {
    const std::string candidate = dir + "/" + text + ".toml";
    if (is_regular_file(candidate)) return candidate;
    tried += (tried.empty() ? "" : ", ") + candidate;
  }
  return usage("no scenario named '" + text + "' (looked for " + tried +
               "; give a path to a .toml file, or set REGEN_LOAD_TESTS)");
}

}  // namespace regen::ctl::bench
