#pragma once
// State shared by every subcommand: the global options and the exit code the chosen subcommand
// leaves behind for main().

#include <chrono>
#include <string>
#include <string_view>

#include "regenctl/exit_codes.h"

namespace regen::ctl {

// `make run` puts the daemon's socket here, so this default works from a source checkout.
inline constexpr std::string_view kDefaultSocketPath = "./var/regend.sock";
inline constexpr std::string_view kSocketEnvVar = "REGEN_ADMIN_SOCKET";
inline constexpr double kDefaultTimeoutSeconds = 5.0;

// kWide is kTable with more columns where a command has them; elsewhere it reads as kTable.
enum class OutputFormat { kTable, kJson, kWide };

struct GlobalOptions {
  std::string socket_path = std::string(kDefaultSocketPath);
  double timeout_s = kDefaultTimeoutSeconds;  // connect, and then the reply
  OutputFormat output = OutputFormat::kTable;

  std::chrono::milliseconds timeout() const;
  bool json() const { return output == OutputFormat::kJson; }
  bool wide() const { return output == OutputFormat::kWide; }
};

// --url and --token of the HTTP API commands as typed; "" when not given (the environment, the
// config file or the default then apply: user_config.h).
struct ApiFlags {
  std::string url;
  std::string token;
};

// Lives in main() for the whole parse; subcommand callbacks run inside CLI::App::parse and store
// their outcome here.
struct CommandContext {
  GlobalOptions globals;
  ApiFlags api;
  int exit_code = kExitOk;
};

// Whole milliseconds for a (validated, non-negative) number of seconds, rounded to nearest.
std::chrono::milliseconds seconds_to_ms(double seconds);

}  // namespace regen::ctl
