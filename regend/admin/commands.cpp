#include "regend/admin/commands.h"

#include <boost/json/array.hpp>

#include <optional>

namespace regen::admin {
namespace json = boost::json;

namespace {

constexpr int64_t kMaxDrainTimeoutMs = 24LL * 3600 * 1000;

void run_status(DaemonControl& control, const json::object& args, Reply reply) {
  if (auto bad = unknown_argument(args, {})) return reply(Response::failure(kErrInvalidArgs, *bad));
  reply(Response::success(control.status()));
}

void run_drain(DaemonControl& control, const json::object& args, Reply reply) {
  if (auto bad = unknown_argument(args, {"timeout_ms"})) {
    return reply(Response::failure(kErrInvalidArgs, *bad));
  }
  std::optional<std::chrono::milliseconds> timeout;
  if (const json::value* value = args.if_contains("timeout_ms")) {
    if (!value->is_int64() || value->as_int64() <= 0 || value->as_int64() > kMaxDrainTimeoutMs) {
      return reply(
          Response::failure(kErrInvalidArgs, "timeout_ms must be an integer from 1 to 86400000"));
    }
    timeout = std::chrono::milliseconds(value->as_int64());
  }
  control.drain(timeout,
                [reply](const DrainReport& report) { reply(Response::success(report.to_json())); });
}

void run_reload(DaemonControl& control, const json::object& args, Reply reply) {
  if (auto bad = unknown_argument(args, {})) return reply(Response::failure(kErrInvalidArgs, *bad));
  Result<ReloadReport> result = control.reload();
  if (!result) return reply(Response::failure(kErrFailed, result.error().message));
  reply(Response::success(result.value().to_json()));
}

void run_help(const CommandRegistry& registry, Reply reply) {
  json::array list;
  for (const Command& command : registry.commands()) {
    list.push_back(json::object{
        {"name", command.name}, {"summary", command.summary}, {"args", command.args_help}});
  }
  reply(Response::success(json::object{{"commands", std::move(list)}}));
}

}  // namespace

json::object DrainReport::to_json() const {
  return json::object{
      {"drained", !timed_out},
      {"timed_out", timed_out},
      {"duration_ms", duration.count()},
      {"connections_at_start", connections_at_start},
      {"connections_closed", connections_at_start - connections_forced},
      {"idle_closed", idle_closed},
      {"requests_completed", requests_completed},
      {"connections_forced", connections_forced},
  };
}

json::object ReloadReport::to_json() const {
  json::array applied_keys(applied.begin(), applied.end());
  json::array restart_keys(needs_restart.begin(), needs_restart.end());
  return json::object{
      {"config_file", config_file.empty() ? json::value(nullptr) : json::value(config_file)},
      {"applied", std::move(applied_keys)},
      {"needs_restart", std::move(restart_keys)},
  };
}

void register_commands(CommandRegistry& registry, DaemonControl& control) {
  registry.add({"status", "version, pid, uptime, listeners, connections, requests, storage", "",
                [&control](const json::object& args, Reply reply) {
                  run_status(control, args, std::move(reply));
                }});
  registry.add({"drain",
                "stop accepting, finish in-flight requests, close idle connections, then exit; "
                "replies when drained",
                "timeout_ms: integer, optional (default server.drain_timeout)",
                [&control](const json::object& args, Reply reply) {
                  run_drain(control, args, std::move(reply));
                }});
  registry.add({"reload", "re-read the configuration and apply the reloadable keys (as SIGHUP)", "",
                [&control](const json::object& args, Reply reply) {
                  run_reload(control, args, std::move(reply));
                }});
  registry.add({"help", "list the commands", "", [&registry](const json::object&, Reply reply) {
                  run_help(registry, std::move(reply));
                }});
}

}  // namespace regen::admin
