#include <CLI/CLI.hpp>

#include <iostream>

#include "regenctl/admin_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Show what the running regend is doing. Prints its version, PID, uptime, config file, "
    "listeners, open connections, in-flight requests, whether it is draining, and the state of "
    "its storage backend. With -o json, prints the daemon's status object unchanged, including "
    "fields this "
    "version of regenctl does not know.";

std::string member_text(const json::value& data, std::initializer_list<std::string_view> path) {
  return scalar_text(find_member(data, path));
}

std::string uptime_text(const json::value& data) {
  const auto seconds = as_number(find_member(data, {"uptime_s"}));
  return seconds ? format_duration(*seconds) : std::string(kMissing);
}

std::string config_text(const json::value& data) {
  const json::value* file = find_member(data, {"config_file"});
  // The daemon reports null when it runs on built-in defaults.
  if (file != nullptr && file->is_null()) return "none (built-in defaults)";
  return scalar_text(file);
}

std::string listeners_text(const json::value& data) {
  const json::value* listeners = find_member(data, {"listeners"});
  if (listeners == nullptr || !listeners->is_array()) return std::string(kMissing);
  if (listeners->get_array().empty()) return "none";
  ColumnTable table;
  for (const json::value& listener : listeners->get_array()) {
    table.add_row({member_text(listener, {"kind"}), member_text(listener, {"address"})});
  }
  return table.render();
}

std::string draining_text(const json::value& data) {
  const json::value* draining = find_member(data, {"draining"});
  if (draining == nullptr || !draining->is_bool()) return std::string(kMissing);
  return draining->get_bool() ? "yes" : "no";
}

std::string connections_text(const json::value& data) {
  if (find_member(data, {"connections"}) == nullptr) return std::string(kMissing);
  return member_text(data, {"connections", "open"}) + " open / " +
         member_text(data, {"connections", "max"}) + " max";
}

std::string requests_text(const json::value& data) {
  if (find_member(data, {"requests"}) == nullptr) return std::string(kMissing);
  return member_text(data, {"requests", "in_flight"}) + " in flight, " +
         member_text(data, {"requests", "total"}) + " total";
}

std::string storage_text(const json::value& data) {
  if (find_member(data, {"storage"}) == nullptr) return std::string(kMissing);
  return member_text(data, {"storage", "backend"}) + " " +
         member_text(data, {"storage", "location"}) + " (" +
         member_text(data, {"storage", "state"}) + ")";
}

int run_status(const CommandContext& context) {
  const admin::Request request{"status", {}};
  return run_command(context.globals, request, context.globals.timeout(),
                     [&](const json::value& data) {
                       if (context.globals.output == OutputFormat::kJson) {
                         print_json(data);
                       } else {
                         std::cout << render_status_table(data);
                       }
                       return kExitOk;
                     });
}

}  // namespace

std::string render_status_table(const json::value& data) {
  KeyValueTable table;
  table.add("Version", member_text(data, {"version"}));
  table.add("PID", member_text(data, {"pid"}));
  table.add("Uptime", uptime_text(data));
  table.add("Started", member_text(data, {"started_at"}));
  table.add("Config", config_text(data));
  table.add("IO threads", member_text(data, {"io_threads"}));
  table.add("Listeners", listeners_text(data));
  table.add("Connections", connections_text(data));
  table.add("Requests", requests_text(data));
  table.add("Draining", draining_text(data));
  table.add("Storage", storage_text(data));
  return table.render();
}

void add_status_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("status", kDescription);
  command->callback([&context] { context.exit_code = run_status(context); });
}

}  // namespace regen::ctl
