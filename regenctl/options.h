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

enum class OutputFormat { kTable, kJson };

struct GlobalOptions {
  std::string socket_path = std::string(kDefaultSocketPath);
  double timeout_s = kDefaultTimeoutSeconds;  // connect, and then the reply
  OutputFormat output = OutputFormat::kTable;

  std::chrono::milliseconds timeout() const;
};

// Lives in main() for the whole parse; subcommand callbacks run inside CLI::App::parse and store
// their outcome here.
struct CommandContext {
  GlobalOptions globals;
  int exit_code = kExitOk;
};

// Whole milliseconds for a (validated, non-negative) number of seconds, rounded to nearest.
std::chrono::milliseconds seconds_to_ms(double seconds);

}  // namespace regen::ctl
