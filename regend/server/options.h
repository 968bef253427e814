#pragma once
// regend's command line. Flags for quick starts and scripts override the config file and the
// environment (see common/config.h for the precedence).

#include <optional>

#include "common/config.h"

namespace regen::server {

struct Options {
  config::ConfigSources sources;
  bool check_config = false;  // validate, print the effective configuration, exit
  bool migrate_only = false;  // apply database migrations, exit
};

// Exit codes (sysexits.h where one fits).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // could not start (port in use, socket taken)
inline constexpr int kExitUsage = 64;   // EX_USAGE: bad command line
inline constexpr int kExitConfig = 78;  // EX_CONFIG: invalid configuration

// Parses argv. Returns the options to run with, or sets *exit_code when the process should end
// now (--help, --version, a usage error) after printing what it has to.
std::optional<Options> parse_options(int argc, char** argv, int* exit_code);

}  // namespace regen::server
