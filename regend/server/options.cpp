#include "regend/server/options.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "common/version.h"

namespace regen::server {

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  CLI::App app{"regend: the Regen incident-management daemon", "regend"};
  app.footer(
      "Configuration precedence: built-in defaults < --config file < REGEN_<SECTION>_<KEY> "
      "environment variables < flags.\nExit codes: 0 ok, 1 could not start, 64 usage error, "
      "78 invalid configuration.");
  Options options;
  std::string config_file;
  std::string listen, data_dir, admin_socket, log_level, database_url;
  bool show_version = false;
  app.add_option("-c,--config", config_file,
                 "TOML configuration file (conf/regend.toml lists every key)")
      ->envname("REGEN_CONFIG");
  app.add_flag("--check-config", options.check_config,
               "validate the configuration, print the effective values and exit (78 on error)");
  app.add_flag("--migrate-only", options.migrate_only,
               "apply pending database migrations and exit (0 on success)");
  app.add_flag("-V,--version", show_version, "print the version and exit");
  app.add_option("--listen", listen, "HTTP listen address HOST:PORT (server.listen)");
  app.add_option(
      "--data-dir", data_dir,
      "directory for the SQLite database and the default admin socket (storage.data_dir)");
  app.add_option("--admin-socket", admin_socket, "admin socket path (admin.socket)");
  app.add_option("--database-url", database_url,
                 "postgres://user:pass@host:port/db to use PostgreSQL (storage.database_url)");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off (log.level)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    *exit_code = e.get_exit_code() == 0 ? kExitOk : (code == 0 ? kExitOk : kExitUsage);
    return std::nullopt;
  }
  if (show_version) {
    std::cout << "regend " << kVersion << '\n';
    *exit_code = kExitOk;
    return std::nullopt;
  }
  if (!config_file.empty()) options.sources.file = config_file;
  options.sources.environment = config::process_environment();
  auto set_override = [&](const char* key, const std::string& value) {
    if (!value.empty()) options.sources.overrides[key] = value;
  };
  set_override("server.listen", listen);
  set_override("storage.data_dir", data_dir);
  set_override("admin.socket", admin_socket);
  set_override("log.level", log_level);
  set_override("storage.database_url", database_url);
  return options;
}

}  // namespace regen::server
