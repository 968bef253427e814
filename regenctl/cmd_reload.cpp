#include <CLI/CLI.hpp>

#include <iostream>

#include "regenctl/admin_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Reload regend's configuration file, as SIGHUP does. Reports which changed keys took effect "
    "and which need a restart. If the file has errors, nothing is applied, the daemon "
    "keeps running with its current configuration, and regenctl prints the errors and exits 1.";

// "a, b" for a JSON array of strings; "" when missing or empty.
std::string joined(const json::value* list) {
  std::string out;
  if (list == nullptr || !list->is_array()) return out;
  for (const json::value& item : list->get_array()) {
    if (!out.empty()) out += ", ";
    out += scalar_text(&item);
  }
  return out;
}

int run_reload(const CommandContext& context) {
  const admin::Request request{"reload", {}};
  return run_command(context.globals, request, context.globals.timeout(),
                     [&](const json::value& data) {
                       if (context.globals.output == OutputFormat::kJson) {
                         print_json(data);
                       } else {
                         std::cout << render_reload_summary(data) << '\n';
                       }
                       return kExitOk;
                     });
}

}  // namespace

std::string render_reload_summary(const json::value& data) {
  const json::value* file = find_member(data, {"config_file"});
  const std::string applied = joined(find_member(data, {"applied"}));
  const std::string needs_restart = joined(find_member(data, {"needs_restart"}));
  std::string out = "reloaded " + (file != nullptr && file->is_null() ? std::string("defaults")
                                                                      : scalar_text(file));
  if (applied.empty() && needs_restart.empty()) return out + ": no changes";
  out += ":";
  if (!applied.empty()) out += " applied " + applied;
  if (!applied.empty() && !needs_restart.empty()) out += ";";
  if (!needs_restart.empty()) out += " needs restart: " + needs_restart;
  return out;
}

void add_reload_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("reload", kDescription);
  command->callback([&context] { context.exit_code = run_reload(context); });
}

}  // namespace regen::ctl
