#pragma once
// The subcommands: registration on the CLI, and the pure functions that turn an admin reply
// into output, declared here so tests can check them without a daemon (the HTTP API commands'
// renderers are in views.h).
//
// Each add_*_command adds one subcommand whose callback runs the command (after the whole
// command line is parsed) and stores its exit code in `context.exit_code`. `context` must
// outlive the parse.

#include <boost/json/value.hpp>

#include <string>

#include "regenctl/admin_client.h"
#include "regenctl/options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace regen::ctl {

void add_status_command(CLI::App& app, CommandContext& context);
void add_health_command(CLI::App& app, CommandContext& context);
void add_drain_command(CLI::App& app, CommandContext& context);
void add_reload_command(CLI::App& app, CommandContext& context);

// `tokens create|ls|revoke`, over the admin socket.
void add_tokens_command(CLI::App& app, CommandContext& context);

// `incidents ...` and `alerts ls`, over the HTTP API (api_command.h); both take --url/--token.
void add_incidents_command(CLI::App& app, CommandContext& context);
void add_alerts_command(CLI::App& app, CommandContext& context);
// `ack`, `resolve` and `note` under the `incidents` group; add_incidents_command calls it.
void add_incident_change_commands(CLI::App& incidents, CommandContext& context);

// `bench run|report`: the load generator (regenctl/bench/).
void add_bench_command(CLI::App& app, CommandContext& context);

// `bench seed`, under the `bench` group: loads a synthetic data set over the admin socket.
void add_bench_seed_command(CLI::App& bench, CommandContext& context);

// "seeded 100000 incidents, 1000000 alerts, 2428890 timeline entries in 84.5s" for a
// bench.seed reply's data; missing fields show as "-".
std::string render_seed_summary(const boost::json::value& data);

// The `status` table for a status reply's data; any field missing or mistyped shows as "-".
std::string render_status_table(const boost::json::value& data);

struct HealthVerdict {
  bool healthy = false;
  std::string reason;  // why not healthy; "" when healthy
};

// Healthy means the daemon answered `status` and is not draining (a reply without "draining"
// counts as not draining).
HealthVerdict judge_health(const AdminResult& status_reply);

// "healthy: regend 0.1.0, up 12s" or "unhealthy: <reason>".
// REQUIRES: verdict == judge_health(status_reply)
std::string render_health_line(const HealthVerdict& verdict, const AdminResult& status_reply);

// "drained in 0.12s: 4 connections closed, 2 in-flight requests completed, 0 forced".
std::string render_drain_summary(const boost::json::value& data);

// Whether a drain reply reports a complete drain (drained, and not cut short by its timeout).
bool drain_succeeded(const boost::json::value& data);

// "drain timed out after 30.00s: 3 connections forced closed (4 closed, 2 in-flight requests
// completed)": the error line for a drain that did not complete.
std::string describe_incomplete_drain(const boost::json::value& data);

// "reloaded /etc/regend/regend.toml: applied log.level; needs restart: server.listen", or
// "... : no changes".
std::string render_reload_summary(const boost::json::value& data);

}  // namespace regen::ctl
