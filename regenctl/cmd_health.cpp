#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <iostream>

#include "regenctl/admin_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Check that regend is up and not draining, for scripts and probes. Exits 0 and prints "
    "\"healthy: regend <version>, up <uptime>\" when the daemon answers on its admin socket and "
    "is not draining; otherwise exits 1 and prints \"unhealthy: <reason>\" (a connection problem "
    "is also described on stderr). Unlike other commands, every failure exits 1.";

std::string unreachable_reason(const AdminError& error) {
  switch (error.kind) {
    case AdminErrorKind::kSocketMissing:
      return "admin socket missing";
    case AdminErrorKind::kPermissionDenied:
      return "permission denied on admin socket";
    case AdminErrorKind::kNotAnswering:
      return "not answering";
    case AdminErrorKind::kCommandFailed:
      return "status failed: " + error.code;
  }
  return "status failed";
}

int run_health(const CommandContext& context) {
  const GlobalOptions& globals = context.globals;
  const admin::Request request{"status", {}};
  const AdminResult reply =
      call_admin(globals.socket_path, request, {globals.timeout(), globals.timeout()});
  if (!reply) print_error(describe_failure(reply.error(), globals.socket_path, request.cmd));
  const HealthVerdict verdict = judge_health(reply);
  if (globals.output == OutputFormat::kJson) {
    json::object out{{"healthy", verdict.healthy}, {"reason", nullptr}};
    if (!verdict.healthy) out["reason"] = verdict.reason;
    print_json(out);
  } else {
    std::cout << render_health_line(verdict, reply) << '\n';
  }
  return verdict.healthy ? kExitOk : kExitFailed;
}

}  // namespace

HealthVerdict judge_health(const AdminResult& status_reply) {
  if (!status_reply) return {false, unreachable_reason(status_reply.error())};
  const json::value* draining = find_member(status_reply.data(), {"draining"});
  if (draining != nullptr && draining->is_bool() && draining->get_bool()) {
    return {false, "draining"};
  }
  return {true, ""};
}

std::string render_health_line(const HealthVerdict& verdict, const AdminResult& status_reply) {
  if (!verdict.healthy) return "unhealthy: " + verdict.reason;
  const json::value& data = status_reply.data();
  const auto uptime = as_number(find_member(data, {"uptime_s"}));
  return "healthy: regend " + scalar_text(find_member(data, {"version"})) + ", up " +
         (uptime ? format_duration(*uptime) : std::string(kMissing));
}

void add_health_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("health", kDescription);
  command->callback([&context] { context.exit_code = run_health(context); });
}

}  // namespace regen::ctl
