#pragma once
// A real PostgreSQL server for tests, from the Debian package's binaries: a fresh cluster in a
// temp dir (superuser "regen", trust authentication, database "regen"), listening on a free
// port on 127.0.0.1 only, with fsync off. Stopped and removed on destruction.
//
// PostgreSQL refuses to run as root: under root the server runs as the `postgres` system user
// (created by the Debian package) and the temp dir is handed to it.
//
// A test binary that crashes or is killed runs no destructor; a small guard process (/bin/sh)
// then stops the server and removes the temp dir, so no server outlives its test.

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace regen::test {

class PostgresServer {
 public:
  // Creates the cluster and starts it. Throws std::runtime_error naming what failed, with the
  // tool's output: no PostgreSQL installed, initdb or start failures.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // postgres://regen@127.0.0.1:PORT/regen, or the same server's `database`.
  std::string url() const { return url("regen"); }
  std::string url(const std::string& database) const;
  int port() const { return port_; }

  // Creates a new, empty database (tests stay independent on one server); returns its URL.
  std::string create_database();

  // Fast shutdown (connections are cut) and restart on the same port and data, to simulate an
  // outage and its recovery. Both throw std::runtime_error when pg_ctl fails.
  void stop();
  void start();
  bool running() const { return running_; }

  // The newest /usr/lib/postgresql/<version>/bin holding pg_ctl, or $REGEN_POSTGRES_BIN_DIR.
  // Throws std::runtime_error when there is none.
  static std::string bin_dir();

 private:
  // Runs a server tool as the server's user; throws with its output when it fails.
  void run_server_tool(std::vector<std::string> argv, const std::string& what) const;
  std::vector<std::string> as_server_user(std::vector<std::string> argv) const;
  std::string log_tail() const;
  void initialize();  // initdb, start, createdb
  void start_guard();
  void stop_guard();

  TempDir dir_;
  std::string bin_;
  std::string data_;
  std::string sockets_;
  std::string log_;
  int port_ = 0;
  bool as_postgres_user_ = false;
  bool running_ = false;
  int guard_fd_ = -1;  // the write end of the pipe the guard waits on
  pid_t guard_pid_ = -1;
  int databases_ = 0;  // created by create_database()
};

}  // namespace regen::test
