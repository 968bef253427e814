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
#include "regend/storage/open_store.h"

namespace {

// What --check-config prints for `value` (TOML-formatted) of the key `path`. Secrets and
// tokens stay out of terminals, CI logs and the journal (the unit runs --check-config): every
// non-empty key named *_secret or *_token is hidden, and the database URL loses its password.
std::string redacted(const std::string& path, std::string value) {
  const bool empty = value == "\"\"";
  if ((path.ends_with("_secret") || path.ends_with("_token")) && !empty) return "\"<redacted>\"";
  if (path == "storage.database_url" && !empty) {
    // The URL's own text, without the quotes TOML added, is what redact_url understands.
    return "\"" + regen::storage::redact_url(value.substr(1, value.size() - 2)) + "\"";
  }
  return value;
}

int check_config(const regen::config::ConfigSources& sources, const regen::config::Config& config) {
  std::printf("regend: configuration OK (%s)\n",
              sources.file ? sources.file->c_str() : "built-in defaults");
  for (const regen::config::KeyInfo& key : regen::config::keys()) {
    const std::string value = redacted(key.path, regen::config::value_of(config, key.path));
    std::printf("%s = %s\n", key.path.c_str(), value.c_str());
  }
  return regen::server::kExitOk;
}

// --migrate-only: bring the schema up to date (under the backend's lock) and exit.
int migrate_only(const regen::config::Config& config) {
  using namespace regen;
  Result<std::unique_ptr<storage::Store>> store = storage::open_store(config);
  Status status = store ? store.value()->migrate() : Status(store.error());
  if (!status) {
    spdlog::critical("migration failed: {}", status.error().message);
    return server::kExitFailure;
  }
  spdlog::info("{} schema is up to date ({})", store.value()->backend(), store.value()->location());
  return server::kExitOk;
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
  if (options->migrate_only) return migrate_only(loaded.config);

  server::Daemon daemon(std::move(loaded.config), std::move(options->sources));
  if (Status started = daemon.start(); !started) {
    spdlog::critical("cannot start: {}", started.error().message);
    return server::kExitFailure;
  }
  return daemon.run();
}
