#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <iostream>
#include <memory>

#include "regenctl/admin_command.h"
#include "regenctl/cli_support.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Drain regend and wait until it is done; the daemon then exits. It stops accepting "
    "connections, closes idle keep-alive connections, lets in-flight requests finish (their "
    "responses carry Connection: close), and answers when the drain is complete. --timeout bounds "
    "the drain: the daemon then force-closes what is left and regenctl exits 1; without it the "
    "daemon's configured server.drain_timeout applies. After `drain`, --timeout is this drain "
    "timeout; a connect timeout goes before the subcommand: regenctl --timeout 2 drain --timeout "
    "30.";

// Used only when the daemon's status does not say its drain_timeout (an older daemon).
constexpr std::chrono::seconds kAssumedDrainTimeout{60};
// Time for the daemon to force-close what is left and send its reply after its timeout.
constexpr std::chrono::seconds kReplyMargin{10};
// The longest server.drain_grace: with --timeout the daemon's own grace is not asked for.
constexpr std::chrono::seconds kMaxDrainGrace{60};

struct DrainOptions {
  double timeout_s = 0;
  CLI::Option* timeout_flag = nullptr;
};

std::string count_text(const json::value& data, std::string_view key) {
  return scalar_text(find_member(data, {key}));
}

std::string elapsed_text(const json::value& data) {
  const auto ms = as_number(find_member(data, {"duration_ms"}));
  return ms ? format_elapsed_ms(*ms) : std::string(kMissing);
}

struct DrainTimes {
  std::chrono::milliseconds timeout = kAssumedDrainTimeout;
  std::chrono::milliseconds grace{0};  // readiness 503 before the drain proper begins
};

// The daemon's configured drain_timeout and drain_grace, read from `status` so that long ones
// do not make regenctl give up early.
DrainTimes configured_drain_times(const CommandContext& context) {
  AdminResult status =
      call_admin(context.globals.socket_path, admin::Request{"status", {}},
                 CallTimeouts{context.globals.timeout(), context.globals.timeout()});
  DrainTimes times;
  if (status) {
    if (auto ms = as_number(find_member(status.data(), {"drain_timeout_ms"}))) {
      times.timeout = std::chrono::milliseconds(static_cast<int64_t>(*ms));
    }
    if (auto ms = as_number(find_member(status.data(), {"drain_grace_ms"}))) {
      times.grace = std::chrono::milliseconds(static_cast<int64_t>(*ms));
    }
  }
  return times;
}

int run_drain(const CommandContext& context, const DrainOptions& options) {
  admin::Request request{"drain", {}};
  std::chrono::milliseconds wait{0};
  if (options.timeout_flag->count() == 0) {
    const DrainTimes configured = configured_drain_times(context);
    wait = configured.timeout + configured.grace;
  } else {
    request.args["timeout_ms"] = seconds_to_ms(options.timeout_s).count();
    wait = seconds_to_ms(options.timeout_s) + kMaxDrainGrace;
  }
  return run_command(context.globals, request, wait + kReplyMargin, [&](const json::value& data) {
    if (context.globals.output == OutputFormat::kJson) {
      print_json(data);
    } else if (drain_succeeded(data)) {
      std::cout << render_drain_summary(data) << '\n';
    }
    if (drain_succeeded(data)) return kExitOk;
    print_error(describe_incomplete_drain(data));
    return kExitFailed;
  });
}

}  // namespace

bool drain_succeeded(const json::value& data) {
  const json::value* drained = find_member(data, {"drained"});
  const json::value* timed_out = find_member(data, {"timed_out"});
  const bool was_drained = drained != nullptr && drained->is_bool() && drained->get_bool();
  const bool cut_short = timed_out != nullptr && timed_out->is_bool() && timed_out->get_bool();
  return was_drained && !cut_short;
}

std::string render_drain_summary(const json::value& data) {
  return "drained in " + elapsed_text(data) + ": " + count_text(data, "connections_closed") +
         " connections closed, " + count_text(data, "requests_completed") +
         " in-flight requests completed, " + count_text(data, "connections_forced") + " forced";
}

std::string describe_incomplete_drain(const json::value& data) {
  const json::value* timed_out = find_member(data, {"timed_out"});
  const std::string what = timed_out != nullptr && timed_out->is_bool() && timed_out->get_bool()
                               ? "drain timed out after "
                               : "drain did not complete after ";
  return what + elapsed_text(data) + ": " + count_text(data, "connections_forced") +
         " connections forced closed (" + count_text(data, "connections_closed") + " closed, " +
         count_text(data, "requests_completed") + " in-flight requests completed)";
}

void add_drain_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("drain", kDescription);
  auto options = std::make_shared<DrainOptions>();
  options->timeout_flag =
      command
          ->add_option(
              "--timeout", options->timeout_s,
              "Seconds the daemon may drain before it force-closes what is left (default: its "
              "drain_timeout)")
          ->type_name("SECONDS")
          ->check(seconds_in_range(0.001, 86400));
  command->callback([&context, options] { context.exit_code = run_drain(context, *options); });
}

}  // namespace regen::ctl
