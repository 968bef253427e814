// regend: parse flags, load and validate configuration, start the daemon.
// A configuration error never starts a half-working daemon: every problem is printed with its
// key path and the process exits 78 (EX_CONFIG).

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>

#include "common/config.h"
#include "common/logging.h"
#include "regend/middleware/access_log.h"
#include "regend/server/daemon.h"
#include "regend/server/options.h"

namespace {

int check_config(const regen::config::ConfigSources& sources, const regen::config::Config& config) {
  std::printf("regend: configuration OK (%s)\n",
              sources.file ? sources.file->c_str() : "built-in defaults");
  for (const regen::config::KeyInfo& key : regen::config::keys()) {
    std::printf("%s = %s\n", key.path.c_str(), regen::config::value_of(config, key.path).c_str());
  }
  return regen::server::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace regen;
  int exit_code = server::kExitOk;
  std::optional<server::Options> options = server::parse_options(argc, argv, &exit_code);
  if (!options) return exit_code;

  config::LoadResult loaded = config::load(options->sources);
  if (!loaded.ok()) {
    for (const config::ConfigError& error : loaded.errors) {
      std::fprintf(stderr, "regend: config: %s\n", error.to_string().c_str());
    }
    std::fprintf(stderr, "regend: %zu configuration error(s); not starting\n",
                 loaded.errors.size());
    return server::kExitConfig;
  }
  if (options->check_config) return check_config(options->sources, loaded.config);

  logging::init("regend", *logging::parse_level(loaded.config.log.level));
  middleware::set_access_log_enabled(loaded.config.log.access_log);
  std::signal(SIGPIPE, SIG_IGN);

  server::Daemon daemon(std::move(loaded.config), std::move(options->sources));
  if (Status started = daemon.start(); !started) {
    spdlog::critical("cannot start: {}", started.error().message);
    return server::kExitFailure;
  }
  return daemon.run();
}
