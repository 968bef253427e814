#pragma once
// A load scenario: who sends what, how many at once, for how long, and what must hold at the
// end. Loaded from a TOML file (load-tests/*.toml; the format is in docs/CLI.md and in
// load-tests/README.md), then adjusted by the command line (Overrides), then immutable for the
// run.
//
// Executors:
//   ramping-vus           closed model: `stages` move the number of virtual users linearly
//                         from one target to the next; each user loops over `requests` on its
//                         own keep-alive connection, thinking between iterations.
//   constant-vus          closed model: `vus` users for `duration`.
//   constant-connections  closed model for capacity: `connections` users that never think.
//   constant-arrival-rate open model: iterations start at `rate` per second whatever the
//                         answers, on at most `connections` connections; latency counts from
//                         the scheduled start, so queueing shows.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "regenctl/bench/checks.h"
#include "regenctl/bench/template.h"
#include "regenctl/bench/threshold.h"
#include "regenctl/bench/units.h"

namespace regen::ctl::bench {

enum class Executor { kRampingVus, kConstantVus, kConstantConnections, kConstantArrivalRate };

std::string_view executor_name(Executor executor);

struct Stage {
  Nanos duration{0};
  int target = 0;  // users (or connections) at the end of the stage
};

struct Extraction {
  std::string variable;
  int slot = 0;  // index into Scenario::extracted and RenderContext::extracted
  JsonPath path;
};

struct RequestSpec {
  std::string name;  // unique in the scenario; the {name:...} tag of thresholds
  std::string method = "GET";
  Template path;  // below the target's base path, starting with '/'
  std::vector<std::pair<std::string, Template>> headers;
  Template body;
  std::vector<Check> checks;
  std::vector<Extraction> extract;
  // Statuses that are not failures for http_req_failed (default 200-399, as k6).
  StatusSet expected_statuses = StatusSet::range(200, 399);

  // Whether the response body must be kept and parsed (a JSON check or an extraction).
  bool needs_body() const;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;
  Executor executor = Executor::kRampingVus;
  // Closed executors: the user count over time, starting from start_vus. The constant
  // executors and the open model hold one stage (duration, users or connections).
  std::vector<Stage> stages;
  int start_vus = 0;
  double rate = 0;  // constant-arrival-rate: iterations per second
  Nanos think_min{0};
  Nanos think_max{0};
  // After the last stage, requests still in flight have this long before they are counted as
  // interrupted.
  Nanos graceful_stop = std::chrono::seconds(5);
  // A request without a complete response after this long fails (status 0) and its connection
  // is closed.
  Nanos timeout = std::chrono::seconds(60);
  // GET before the run to check the target answers at all; "" skips the check.
  std::string preflight_path = "/health";
  std::vector<VarDef> vars;
  std::vector<std::string> extracted;  // variable names, by slot
  std::vector<RequestSpec> requests;
  std::vector<Threshold> thresholds;

  bool open_model() const { return executor == Executor::kConstantArrivalRate; }
  Nanos total_duration() const;
  // The most users (closed) or connections (open) at any time.
  int max_vus() const;
  // The users wanted `elapsed` into the run (closed model): linear within a stage.
  int target_vus(Nanos elapsed) const;
  bool uses_token() const;
};

// Reads a scenario file. kInvalidArgument with one line naming the file, the line when known,
// and the key: "load-tests/x.toml:12: stages[1].duration: expected a duration like \"30s\",
// got \"soon\"".
Result<Scenario> load_scenario(const std::string& path);
// The same from text; `path` is only used in messages and as Scenario::file.
Result<Scenario> parse_scenario(const std::string& text, const std::string& path);

// What the command line may change.
struct Overrides {
  std::optional<int> vus;
  std::optional<int> connections;
  std::optional<double> rate;
  std::optional<Nanos> duration;
  double duration_scale = 1.0;
};

// Applies `overrides`. kInvalidArgument when one does not fit the executor, e.g. "--vus applies
// to ramping-vus and constant-vus scenarios; capacity is constant-connections: use
// --connections".
Result<void> apply_overrides(Scenario& scenario, const Overrides& overrides);

// Replaces {{token}} in every template by `token`, so that requests without other variables
// can be rendered once.
void bind_token(Scenario& scenario, std::string_view token);

using EnvLookupFn = std::function<std::optional<std::string>(std::string_view name)>;

// The compiled-in directory of installed scenarios (<prefix>/share/regen/load-tests).
std::string_view installed_scenario_dir();

// A path (anything with a '/' or ending in ".toml") is used as it is; a bare name NAME is
// looked up as NAME.toml in ./load-tests, then $REGEN_LOAD_TESTS, then the installed
// directory. kInvalidArgument listing the places tried when nothing is found.
Result<std::string> resolve_scenario_path(std::string_view scenario, const EnvLookupFn& env);

}  // namespace regen::ctl::bench
