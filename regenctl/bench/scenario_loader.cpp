// Reads scenario files (scenario.h). Every error names the file, the line toml11 knows for the
// offending value, and the key path ("requests[2].checks[0].status"); unknown keys are errors,
// since a misspelt key would otherwise silently change the load.

#include <boost/json/value.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "regenctl/bench/scenario.h"

namespace regen::ctl::bench {
namespace {

using Value = toml::basic_value<toml::discard_comments, std::map, std::vector>;

// Thrown inside the loader only, caught by parse_scenario and turned into a Result.
struct LoadError {
  std::string message;
};

constexpr int kMaxUsers = 100000;

std::string type_name(const Value& value) {
  std::ostringstream out;
  out << value.type();
  return out.str();
}

std::string quoted_text(const Value& value) {
  if (value.is_string()) return "\"" + value.as_string().str + "\"";
  std::ostringstream out;
  out << value;
  return out.str();
}

class Loader {
 public:
  explicit Loader(std::string path) : path_(std::move(path)) {}

  Scenario load(const Value& root);

 private:
  [[noreturn]] void fail(const Value& at, const std::string& key, const std::string& message) {
    const auto line = at.location().line();
    const bool known = at.location().file_name() != "unknown file";
    throw LoadError{path_ + (known ? ":" + std::to_string(line) : "") + ": " + key + ": " +
                    message};
  }

  void expect_keys(const Value& table, const std::string& where,
                   std::initializer_list<std::string_view> known) {
    for (const auto& [name, value] : table.as_table()) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string list;
      for (std::string_view key : known) list += (list.empty() ? "" : ", ") + std::string(key);
      fail(value, where.empty() ? name : where + "." + name, "unknown key (known: " + list + ")");
    }
  }

  const Value& table_at(const Value& parent, const std::string& key, const std::string& where) {
    const Value& value = parent.as_table().at(key);
    if (!value.is_table()) fail(value, where, "expected a table, got " + type_name(value));
    return value;
  }

  std::string string_of(const Value& value, const std::string& where) {
    if (!value.is_string()) fail(value, where, "expected a string, got " + type_name(value));
    return value.as_string().str;
  }

  int64_t integer_of(const Value& value, const std::string& where, int64_t low, int64_t high) {
    if (!value.is_integer()) fail(value, where, "expected an integer, got " + type_name(value));
    const int64_t number = value.as_integer();
    if (number < low || number > high) {
      fail(value, where,
           "expected " + std::to_string(low) + " to " + std::to_string(high) + ", got " +
               std::to_string(number));
    }
    return number;
  }

  double number_of(const Value& value, const std::string& where) {
    if (value.is_integer()) return static_cast<double>(value.as_integer());
    if (value.is_floating()) return value.as_floating();
    fail(value, where, "expected a number, got " + type_name(value));
  }

  Nanos duration_of(const Value& value, const std::string& where) {
    const std::string text = value.is_string() ? value.as_string().str : "";
    std::optional<Nanos> duration = parse_duration(text);
    if (!value.is_string() || !duration) {
      fail(value, where,
           "expected a duration like \"30s\", \"4m\" or \"250ms\", got " + quoted_text(value));
    }
    return *duration;
  }

  Template template_of(const Value& value, const std::string& where, const Symbols& symbols) {
    Result<Template> compiled = Template::compile(string_of(value, where), symbols);
    if (!compiled) fail(value, where, compiled.error().message);
    return std::move(compiled).value();
  }

  void load_executor(const Value& root, Scenario& scenario);
  void load_stages(const Value& root, Scenario& scenario);
  void load_think(const Value& value, Scenario& scenario);
  void load_vars(const Value& table, Scenario& scenario);
  RequestSpec load_request(const Value& table, const std::string& where, Scenario& scenario,
                           const std::map<std::string, Template>& common_headers);
  void load_headers(const Value& table, const std::string& where, const Symbols& symbols,
                    std::map<std::string, Template>& headers,
                    std::map<std::string, std::string>& spelling);
  Check load_check(const Value& table, const std::string& where, const std::string& request);
  StatusSet statuses_of(const Value& value, const std::string& where);
  void load_extract(const Value& table, const std::string& where, Scenario& scenario,
                    RequestSpec& request);
  void load_thresholds(const Value& table, Scenario& scenario);

  Symbols symbols_;
  std::map<std::string, std::string> common_spelling_;  // lower-case name -> as written
  std::string path_;
};

Scenario Loader::load(const Value& root) {
  expect_keys(root, "",
              {"name", "description", "executor", "stages", "start_vus", "vus", "connections",
               "rate", "duration", "think", "graceful_stop", "timeout", "preflight", "headers",
               "vars", "requests", "thresholds"});
  Scenario scenario;
  scenario.file = path_;
  const auto& table = root.as_table();
  std::string stem = path_.substr(path_.rfind('/') + 1);
  if (stem.size() > 5 && stem.ends_with(".toml")) stem.resize(stem.size() - 5);
  scenario.name = table.count("name") ? string_of(table.at("name"), "name") : stem;
  if (table.count("description")) {
    scenario.description = string_of(table.at("description"), "description");
  }
  load_executor(root, scenario);
  if (table.count("think")) load_think(table.at("think"), scenario);
  if (table.count("graceful_stop")) {
    scenario.graceful_stop = duration_of(table.at("graceful_stop"), "graceful_stop");
  }
  if (table.count("timeout")) scenario.timeout = duration_of(table.at("timeout"), "timeout");
  if (scenario.timeout <= Nanos(0)) fail(table.at("timeout"), "timeout", "must be more than 0");
  if (table.count("preflight")) {
    scenario.preflight_path = string_of(table.at("preflight"), "preflight");
    if (!scenario.preflight_path.empty() && scenario.preflight_path.front() != '/') {
      fail(table.at("preflight"), "preflight", "expected a path starting with '/', or \"\"");
    }
  }
  if (table.count("vars")) load_vars(table_at(root, "vars", "vars"), scenario);
  std::map<std::string, Template> common_headers;
  if (table.count("headers")) {
    symbols_.extracted.clear();
    load_headers(table_at(root, "headers", "headers"), "headers", symbols_, common_headers,
                 common_spelling_);
  }
  if (!table.count("requests")) fail(root, "requests", "missing: a scenario needs [[requests]]");
  const Value& requests = table.at("requests");
  if (!requests.is_array() || requests.as_array().empty()) {
    fail(requests, "requests", "expected [[requests]] tables, got " + type_name(requests));
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < requests.as_array().size(); ++i) {
    const std::string where = "requests[" + std::to_string(i) + "]";
    const Value& request = requests.as_array()[i];
    if (!request.is_table()) fail(request, where, "expected a table, got " + type_name(request));
    RequestSpec spec = load_request(request, where, scenario, common_headers);
    if (!names.insert(spec.name).second) {
      fail(request, where + ".name", "'" + spec.name + "' names an earlier request too");
    }
    scenario.requests.push_back(std::move(spec));
  }
  if (table.count("thresholds")) {
    load_thresholds(table_at(root, "thresholds", "thresholds"), scenario);
  }
  return scenario;
}

void Loader::load_executor(const Value& root, Scenario& scenario) {
  const auto& table = root.as_table();
  if (table.count("executor")) {
    const Value& value = table.at("executor");
    const std::string name = string_of(value, "executor");
    if (name == "ramping-vus")
      scenario.executor = Executor::kRampingVus;
    else if (name == "constant-vus")
      scenario.executor = Executor::kConstantVus;
    else if (name == "constant-connections")
      scenario.executor = Executor::kConstantConnections;
    else if (name == "constant-arrival-rate")
      scenario.executor = Executor::kConstantArrivalRate;
    else {
      fail(value, "executor",
           "unknown executor \"" + name +
               "\" (known: ramping-vus, constant-vus, constant-connections, "
               "constant-arrival-rate)");
    }
  } else if (table.count("rate")) {
    scenario.executor = Executor::kConstantArrivalRate;
  } else if (table.count("connections")) {
    scenario.executor = Executor::kConstantConnections;
  } else if (table.count("vus")) {
    scenario.executor = Executor::kConstantVus;
  } else {
    scenario.executor = Executor::kRampingVus;
  }
  const std::string name(executor_name(scenario.executor));
  auto forbid = [&](std::string_view key, std::string_view why) {
    if (table.count(std::string(key))) {
      fail(table.at(std::string(key)), std::string(key),
           "not used by the " + name + " executor (" + std::string(why) + ")");
    }
  };
  auto require = [&](std::string_view key) -> const Value& {
    if (!table.count(std::string(key))) {
      fail(root, std::string(key), "missing: the " + name + " executor needs it");
    }
    return table.at(std::string(key));
  };
  if (scenario.executor == Executor::kRampingVus) {
    forbid("vus", "its stages set the users");
    forbid("connections", "one connection per user");
    forbid("rate", "closed model");
    forbid("duration", "its stages set the duration");
    load_stages(root, scenario);
    return;
  }
  forbid("stages", "use ramping-vus for stages");
  forbid("start_vus", "use ramping-vus for stages");
  const Nanos duration = duration_of(require("duration"), "duration");
  int users = 0;
  if (scenario.executor == Executor::kConstantVus) {
    forbid("connections", "one connection per user; use vus");
    forbid("rate", "closed model");
    users = static_cast<int>(integer_of(require("vus"), "vus", 1, kMaxUsers));
  } else {
    forbid("vus", "use connections");
    forbid("think", "a connection sends its next request as soon as the last is answered");
    users = table.count("connections")
                ? static_cast<int>(integer_of(table.at("connections"), "connections", 1, kMaxUsers))
                : 64;
    if (scenario.executor == Executor::kConstantArrivalRate) {
      scenario.rate = number_of(require("rate"), "rate");
      if (!(scenario.rate > 0) || scenario.rate > 1e7) {
        fail(table.at("rate"), "rate", "expected iterations per second, more than 0");
      }
    } else {
      forbid("rate", "add rate to make it constant-arrival-rate");
    }
  }
  scenario.start_vus = users;
  scenario.stages.push_back({duration, users});
}

void Loader::load_stages(const Value& root, Scenario& scenario) {
  const auto& table = root.as_table();
  if (!table.count("stages")) fail(root, "stages", "missing: ramping-vus needs stages");
  const Value& stages = table.at("stages");
  if (!stages.is_array() || stages.as_array().empty()) {
    fail(stages, "stages", "expected an array of { duration, target } tables");
  }
  if (table.count("start_vus")) {
    scenario.start_vus =
        static_cast<int>(integer_of(table.at("start_vus"), "start_vus", 0, kMaxUsers));
  }
  for (std::size_t i = 0; i < stages.as_array().size(); ++i) {
    const Value& stage = stages.as_array()[i];
    const std::string where = "stages[" + std::to_string(i) + "]";
    if (!stage.is_table() || !stage.as_table().count("duration") ||
        !stage.as_table().count("target")) {
      fail(stage, where, "expected { duration = \"30s\", target = 50 }");
    }
    expect_keys(stage, where, {"duration", "target"});
    scenario.stages.push_back({duration_of(stage.as_table().at("duration"), where + ".duration"),
                               static_cast<int>(integer_of(stage.as_table().at("target"),
                                                           where + ".target", 0, kMaxUsers))});
  }
  if (scenario.max_vus() == 0) fail(stages, "stages", "no stage has any users");
}

void Loader::load_think(const Value& value, Scenario& scenario) {
  if (value.is_string()) {
    scenario.think_min = scenario.think_max = duration_of(value, "think");
    return;
  }
  if (!value.is_table() || !value.as_table().count("min") || !value.as_table().count("max")) {
    fail(value, "think", "expected a duration (\"1s\") or { min = \"1s\", max = \"3s\" }");
  }
  expect_keys(value, "think", {"min", "max"});
  scenario.think_min = duration_of(value.as_table().at("min"), "think.min");
  scenario.think_max = duration_of(value.as_table().at("max"), "think.max");
  if (scenario.think_max < scenario.think_min) {
    fail(value, "think", "max is less than min");
  }
}

void Loader::load_vars(const Value& table, Scenario& scenario) {
  for (const auto& [name, value] : table.as_table()) {
    if (Template::compile("{{" + name + "}}", Symbols{}).ok() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
            std::string::npos ||
        (name[0] >= '0' && name[0] <= '9')) {
      fail(value, "vars." + name,
           "not a usable name (letters, digits and _, not starting with a digit, and none of " +
               std::string(builtin_names()) + ")");
    }
    symbols_.vars.push_back(name);
  }
  // Vars may use the built-in names only.
  Symbols builtins;
  builtins.allow_vars = false;
  for (const auto& [name, value] : table.as_table()) {
    const std::string where = "vars." + name;
    VarDef var;
    var.name = name;
    if (value.is_table()) {
      expect_keys(value, where, {"cycle", "by"});
      const auto& fields = value.as_table();
      if (!fields.count("cycle") || !fields.at("cycle").is_array() ||
          fields.at("cycle").as_array().empty()) {
        fail(value, where, "expected { cycle = [\"a\", \"b\"], by = \"iter\" }");
      }
      for (const Value& item : fields.at("cycle").as_array()) {
        if (item.is_integer()) {
          var.cycle.push_back(std::to_string(item.as_integer()));
        } else {
          var.cycle.push_back(string_of(item, where + ".cycle[]"));
        }
      }
      const std::string by =
          fields.count("by") ? string_of(fields.at("by"), where + ".by") : "iter";
      Result<Template> compiled = Template::compile("{{" + by + "}}", builtins);
      if (!compiled)
        fail(fields.count("by") ? fields.at("by") : value, where + ".by", compiled.error().message);
      var.by = std::move(compiled).value();
    } else {
      var.text = template_of(value, where, builtins);
    }
    scenario.vars.push_back(std::move(var));
  }
}

void Loader::load_headers(const Value& table, const std::string& where, const Symbols& symbols,
                          std::map<std::string, Template>& headers,
                          std::map<std::string, std::string>& spelling) {
  for (const auto& [name, value] : table.as_table()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "host" || lower == "content-length" || lower == "connection" ||
        lower == "transfer-encoding") {
      fail(value, where + "." + name, "regenctl sets this header itself");
    }
    if (name.empty() || name.find_first_of(" :\r\n\t") != std::string::npos) {
      fail(value, where + "." + name, "not a valid header name");
    }
    Template compiled = template_of(value, where + "." + name, symbols);
    if (compiled.source().find_first_of("\r\n") != std::string::npos) {
      fail(value, where + "." + name, "a header value cannot hold a line break");
    }
    headers.insert_or_assign(lower, std::move(compiled));
    spelling[lower] = name;
  }
}

RequestSpec Loader::load_request(const Value& table, const std::string& where, Scenario& scenario,
                                 const std::map<std::string, Template>& common_headers) {
  expect_keys(
      table, where,
      {"name", "method", "path", "headers", "body", "checks", "extract", "expected_statuses"});
  const auto& fields = table.as_table();
  RequestSpec request;
  symbols_.extracted = scenario.extracted;  // only what earlier requests extract
  if (!fields.count("path")) fail(table, where + ".path", "missing");
  request.path = template_of(fields.at("path"), where + ".path", symbols_);
  if (request.path.source().empty() || request.path.source().front() != '/') {
    fail(fields.at("path"), where + ".path", "expected a path starting with '/'");
  }
  if (request.path.source().find_first_of(" \r\n") != std::string::npos) {
    fail(fields.at("path"), where + ".path", "a path cannot hold spaces or line breaks");
  }
  if (fields.count("body"))
    request.body = template_of(fields.at("body"), where + ".body", symbols_);
  request.method = fields.count("body") ? "POST" : "GET";
  if (fields.count("method")) {
    request.method = string_of(fields.at("method"), where + ".method");
    static const std::set<std::string> kMethods{"GET",    "POST", "PUT",    "PATCH",
                                                "DELETE", "HEAD", "OPTIONS"};
    if (!kMethods.count(request.method)) {
      fail(fields.at("method"), where + ".method",
           "expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS");
    }
  }
  // Without a name, the method and path template name the request (then no threshold can
  // select it if the path has holes: the braces would end the {name:...} tag).
  request.name = request.method + " " + request.path.source();
  if (fields.count("name")) {
    request.name = string_of(fields.at("name"), where + ".name");
    if (request.name.empty() || request.name.find_first_of("{}") != std::string::npos) {
      fail(fields.at("name"), where + ".name", "a request name must be non-empty, without braces");
    }
  }
  std::map<std::string, Template> headers = common_headers;
  std::map<std::string, std::string> spelling = common_spelling_;
  if (fields.count("headers")) {
    load_headers(table_at(table, "headers", where + ".headers"), where + ".headers", symbols_,
                 headers, spelling);
  }
  for (auto& [lower, value] : headers) {
    request.headers.emplace_back(spelling.count(lower) ? spelling[lower] : lower, std::move(value));
  }
  if (fields.count("expected_statuses")) {
    request.expected_statuses =
        statuses_of(fields.at("expected_statuses"), where + ".expected_statuses");
  }
  if (fields.count("checks")) {
    const Value& checks = fields.at("checks");
    if (!checks.is_array()) fail(checks, where + ".checks", "expected an array of tables");
    for (std::size_t i = 0; i < checks.as_array().size(); ++i) {
      request.checks.push_back(load_check(
          checks.as_array()[i], where + ".checks[" + std::to_string(i) + "]", request.name));
    }
  }
  if (fields.count("extract")) {
    load_extract(table_at(table, "extract", where + ".extract"), where + ".extract", scenario,
                 request);
  }
  return request;
}

StatusSet Loader::statuses_of(const Value& value, const std::string& where) {
  std::vector<std::string> entries;
  auto add = [&](const Value& item) {
    if (item.is_integer())
      entries.push_back(std::to_string(item.as_integer()));
    else
      entries.push_back(string_of(item, where));
  };
  if (value.is_array()) {
    for (const Value& item : value.as_array()) add(item);
  } else {
    add(value);
  }
  if (entries.empty()) fail(value, where, "expected at least one status");
  Result<StatusSet> set = StatusSet::parse(entries);
  if (!set) fail(value, where, set.error().message);
  return std::move(set).value();
}

Check Loader::load_check(const Value& table, const std::string& where, const std::string& request) {
  if (!table.is_table()) {
    fail(table, where, "expected { status = 200 } or { json = \"path\", equals = ... }");
  }
  expect_keys(table, where, {"name", "status", "json", "exists", "equals"});
  const auto& fields = table.as_table();
  Check check;
  std::string description;
  if (fields.count("status") == fields.count("json")) {
    fail(table, where, "give exactly one of status or json");
  }
  if (fields.count("status")) {
    if (fields.count("exists") || fields.count("equals")) {
      fail(table, where, "exists and equals go with json, not status");
    }
    check.kind = Check::Kind::kStatus;
    check.statuses = statuses_of(fields.at("status"), where + ".status");
    const std::string set = check.statuses.describe();
    description =
        (set.find_first_of("-,") == std::string::npos ? "status is " : "status in ") + set;
  } else {
    Result<JsonPath> path = JsonPath::parse(string_of(fields.at("json"), where + ".json"));
    if (!path) fail(fields.at("json"), where + ".json", path.error().message);
    check.path = std::move(path).value();
    if (fields.count("equals")) {
      const Value& expected = fields.at("equals");
      check.kind = Check::Kind::kJsonEquals;
      if (expected.is_string())
        check.expected = expected.as_string().str.c_str();
      else if (expected.is_integer())
        check.expected = expected.as_integer();
      else if (expected.is_floating())
        check.expected = expected.as_floating();
      else if (expected.is_boolean())
        check.expected = expected.as_boolean();
      else
        fail(expected, where + ".equals", "expected a string, number or boolean");
      description = check.path.text() + " is " + quoted_text(expected);
    } else {
      check.kind = Check::Kind::kJsonExists;
      if (fields.count("exists") &&
          !(fields.at("exists").is_boolean() && fields.at("exists").as_boolean())) {
        fail(fields.at("exists"), where + ".exists", "only exists = true is supported");
      }
      description = check.path.text() + " exists";
    }
  }
  check.name = request + ": " +
               (fields.count("name") ? string_of(fields.at("name"), where + ".name") : description);
  return check;
}

void Loader::load_extract(const Value& table, const std::string& where, Scenario& scenario,
                          RequestSpec& request) {
  for (const auto& [name, value] : table.as_table()) {
    const std::string key = where + "." + name;
    const bool clashes =
        Template::compile("{{" + name + "}}", Symbols{scenario.extracted, {}, true}).ok() ||
        Template::compile("{{" + name + "}}", Symbols{symbols_.vars, {}, true}).ok();
    if (clashes ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
            std::string::npos) {
      fail(value, key,
           "not a usable name, or one already taken by a built-in, a var or an "
           "earlier extract");
    }
    Result<JsonPath> path = JsonPath::parse(string_of(value, key));
    if (!path) fail(value, key, path.error().message);
    request.extract.push_back(
        {name, static_cast<int>(scenario.extracted.size()), std::move(path).value()});
    scenario.extracted.push_back(name);
  }
}

void Loader::load_thresholds(const Value& table, Scenario& scenario) {
  for (const auto& [key, value] : table.as_table()) {
    const std::string where = "thresholds." + key;
    std::vector<const Value*> expressions;
    if (value.is_array()) {
      for (const Value& item : value.as_array()) expressions.push_back(&item);
    } else {
      expressions.push_back(&value);
    }
    for (const Value* expression : expressions) {
      Result<Threshold> threshold = parse_threshold(key, string_of(*expression, where));
      if (!threshold) fail(*expression, where, threshold.error().message);
      const std::string& request = threshold.value().request;
      const bool known =
          request.empty() || std::any_of(scenario.requests.begin(), scenario.requests.end(),
                                         [&](const RequestSpec& r) { return r.name == request; });
      if (!known) {
        std::string names;
        for (const RequestSpec& r : scenario.requests)
          names += (names.empty() ? "" : ", ") + r.name;
        fail(*expression, where, "no request named '" + request + "' (requests: " + names + ")");
      }
      scenario.thresholds.push_back(std::move(threshold).value());
    }
  }
}

// toml11's own messages span several lines with an ASCII-art pointer; keep the first line
// without its "[error] " prefix.
std::string first_line_of(const std::string& what) {
  std::string line = what.substr(0, what.find('\n'));
  if (line.rfind("[error] ", 0) == 0) line = line.substr(8);
  return line;
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& text, const std::string& path) {
  Value root;
  try {
    std::istringstream stream(text);
    root = toml::parse<toml::discard_comments, std::map, std::vector>(stream, path);
  } catch (const toml::exception& e) {
    const auto line = e.location().line();
    return Error(ErrorCode::kInvalidArgument,
                 path + ":" + std::to_string(line) + ": invalid TOML: " + first_line_of(e.what()));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidArgument, path + ": invalid TOML: " + first_line_of(e.what()));
  }
  try {
    return Loader(path).load(root);
  } catch (const LoadError& e) {
    return Error(ErrorCode::kInvalidArgument, e.message);
  } catch (const std::exception& e) {
    // toml11 throws for a value of an unexpected type that slipped past a check above.
    return Error(ErrorCode::kInvalidArgument, path + ": " + first_line_of(e.what()));
  }
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kInvalidArgument,
                 "cannot read scenario " + path + ": " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return parse_scenario(content.str(), path);
}

}  // namespace regen::ctl::bench
