#pragma once
// One libpq connection (RAII) and parameterized statements over it. Every failure throws
// StoreError: kUnavailable for what a retry may fix (connection lost, statement timeout,
// serialization failure, deadlock), kInternal with the server's message and SQLSTATE otherwise.
//
// Threads: a PgConnection is used by one thread at a time (the pool hands it out).

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "regend/domain/alert.h"
#include "regend/storage/postgres/pg_settings.h"

// libpq's handle types (libpq-fe.h stays out of this header).
struct pg_conn;
struct pg_result;

namespace regen::storage {

// One statement parameter in PostgreSQL's text format, or SQL NULL. Values are copied: a
// parameter list lives only for the statement. Text holding a NUL byte throws
// StoreError(kInvalidArgument): PostgreSQL text cannot store it and libpq would cut it short.
class PgParam {
 public:
  PgParam(std::nullopt_t) {}  // NOLINT: implicit by design, as are the others
  PgParam(const char* text) : PgParam(std::string_view(text)) {}
  PgParam(const std::string& text) : PgParam(std::string_view(text)) {}
  PgParam(std::string_view text);
  PgParam(domain::Timestamp at);  // UTC milliseconds
  template <std::integral T>
  PgParam(T value) {
    if constexpr (std::same_as<T, bool>) {
      text_ = value ? "t" : "f";
    } else {
      text_ = std::to_string(value);
    }
  }
  template <typename T>
  PgParam(const std::optional<T>& value) {
    if (value) *this = PgParam(*value);
  }

  const char* c_str() const { return text_ ? text_->c_str() : nullptr; }

 private:
  std::optional<std::string> text_;
};

// A statement's result. Column accessors take (row, column), both from 0; reading a NULL with
// a non-optional accessor or a malformed number throws StoreError(kInternal).
class PgResult {
 public:
  explicit PgResult(pg_result* result);

  int rows() const;
  // Rows an INSERT/UPDATE/DELETE affected.
  int64_t affected() const;
  // The command tag, e.g. "COMMIT" or "ROLLBACK" for a COMMIT of a failed transaction.
  std::string_view command() const;

  bool is_null(int row, int column) const;
  std::string_view view(int row, int column) const;  // valid while this result lives
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const;
  domain::Timestamp time(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::optional<int64_t> optional_int64(int row, int column) const;
  std::optional<domain::Timestamp> optional_time(int row, int column) const;

 private:
  struct Deleter {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Deleter> result_;
};

class PgConnection {
 public:
  // Connects (bounded by settings.connect_timeout) and applies the session settings
  // (statement_timeout, client_encoding UTF8). Throws StoreError(kUnavailable) naming the
  // server (password masked) when it cannot connect.
  static std::unique_ptr<PgConnection> open(const PgSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with $1.. parameters. `sql` is a constant: values go in `params` only.
  PgResult exec(const char* sql, std::initializer_list<PgParam> params = {}) {
    return exec(sql, std::span<const PgParam>(params.begin(), params.size()));
  }
  PgResult exec(const char* sql, std::span<const PgParam> params);
  // Runs a script of several statements without parameters (migration files only).
  void exec_script(const std::string& sql);

  // Connected, with no transaction left open: fit to go back to the pool.
  bool clean() const;
  // clean(), and the server has not closed the connection since its last use (restart,
  // failover, idle timeout): checked by reading what arrived meanwhile, without blocking.
  bool alive();

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  [[noreturn]] void fail(pg_result* result);

  pg_conn* conn_;
};

}  // namespace regen::storage
