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
#include <vector>

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

// How PostgreSQL plans a PgStatement.
enum class PgPlanning {
  // Prepared (parsed) once per connection, then run by name: PostgreSQL plans its first 5
  // executions with their values, then keeps a generic plan when that costs no more.
  kCached,
  // Sent with its text each time, parsed and planned with that execution's values: for a
  // query whose generic plan can be poor (see PgWriteTx::find_alert).
  kPerExecution,
};

// Whether a PgStatement needs the rows PgConnection::defer_row buffered sent before it.
enum class PgBufferedRows {
  // They go out first (the default), so the statement sees every row the transaction wrote.
  kSendFirst,
  // The statement reads nothing a buffered row could be (a lookup of keys the transaction has
  // not written, an advisory lock, a sequence): the rows stay buffered for the next statement
  // that needs them or the COMMIT, and one INSERT per table carries more of them. A buffered
  // row that fails still fails the transaction, only later.
  kMayWait,
};

// A statement with a fixed text, run with $1.. parameters; see PgPlanning and PgBufferedRows.
// Define them as constants at namespace scope: every PgStatement ever constructed keeps a slot
// in each connection's prepared-statement table.
class PgStatement {
 public:
  explicit PgStatement(std::string sql, PgPlanning planning = PgPlanning::kCached,
                       PgBufferedRows buffered = PgBufferedRows::kSendFirst);
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  const std::string& sql() const { return sql_; }
  const std::string& name() const { return name_; }
  std::size_t index() const { return index_; }
  PgPlanning planning() const { return planning_; }
  PgBufferedRows buffered() const { return buffered_; }

 private:
  std::string sql_;
  std::size_t index_;
  std::string name_;
  PgPlanning planning_;
  PgBufferedRows buffered_;
};

// A multi-row INSERT whose rows PgConnection::defer_row buffers and sends as one statement. Its
// SQL takes one array per column, each holding that column's values for every buffered row:
//   INSERT INTO t (a, b) SELECT * FROM unnest($1::bigint[], $2::text[])
// One statement per batch instead of one per row saves the server a parse, bind and executor
// start per row. `order` decides which batches go first when several hold rows (lower first):
// a table others reference by foreign key goes before them. Define them as constants, like
// PgStatement.
class PgRowBatch {
 public:
  PgRowBatch(std::string sql, int columns, int order)
      : statement_(std::move(sql)), columns_(columns), order_(order) {}

  const PgStatement& statement() const { return statement_; }
  int columns() const { return columns_; }
  int order() const { return order_; }

 private:
  PgStatement statement_;
  int columns_;
  int order_;
};

class PgConnection {
 public:
  // Connects (bounded by settings.connect_timeout) and applies the session settings
  // (statement_timeout, client_encoding UTF8). Throws
  // StoreError(kUnavailable) naming the server (password masked) when it cannot connect.
  static std::unique_ptr<PgConnection> open(const PgSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with $1.. parameters. `sql` is a constant: values go in `params` only.
  // Buffered rows (defer_row) go out first, as do they before every statement below.
  // Behind a failed deferred statement it still runs (COMMIT, ROLLBACK), then throws that failure.
  PgResult exec(const char* sql, std::initializer_list<PgParam> params = {}) {
    return exec(sql, std::span<const PgParam>(params.begin(), params.size()));
  }
  PgResult exec(const char* sql, std::span<const PgParam> params);
  // Runs a PgStatement (preparing it on this connection first if it never ran here), after the
  // buffered rows unless it is PgBufferedRows::kMayWait. Behind a failed deferred statement it
  // does not run: that failure is thrown.
  PgResult exec(const PgStatement& statement, std::initializer_list<PgParam> params = {}) {
    return exec(statement, std::span<const PgParam>(params.begin(), params.size()));
  }
  PgResult exec(const PgStatement& statement, std::span<const PgParam> params);

  // Sends a prepared statement whose result the caller does not need, without waiting for it
  // (libpq pipeline mode). Deferred statements run on the server in order, before anything
  // exec() runs later; the next exec() reads their results in the same round trip as its own
  // and throws the first deferred failure (the server skipped the deferred statements after
  // it, and the transaction is aborted). A failure while sending throws at once.
  // REQUIRES: a transaction is open (BEGIN ran), so that a deferred failure fails it, and the
  // caller ends it with exec("COMMIT") or exec("ROLLBACK"), which read what is still deferred.
  void defer(const PgStatement& statement, std::initializer_list<PgParam> params = {}) {
    defer(statement, std::span<const PgParam>(params.begin(), params.size()));
  }
  void defer(const PgStatement& statement, std::span<const PgParam> params) {
    if (statement.buffered() == PgBufferedRows::kSendFirst) send_rows();
    send_deferred(statement, params);
  }
  // Buffers one row of `batch` (one parameter per column). Buffered rows are sent together, as
  // deferred statements in the batches' order, before any other statement goes out (exec,
  // defer, COMMIT) except a PgBufferedRows::kMayWait one, so that statement and every later one
  // see them; their failures surface as a deferred statement's do. REQUIRES: as defer(), and
  // row.size() == batch.columns().
  void defer_row(const PgRowBatch& batch, std::span<const PgParam> row);
  // Drops the buffered rows unsent (the transaction is about to roll back).
  void discard_rows() { row_batches_.clear(); }
  // Runs a script of several statements without parameters (migration files only; nothing
  // deferred or buffered may be pending).
  void exec_script(const std::string& sql);

  // Connected, with no transaction left open and nothing deferred: fit to go back to the pool.
  bool clean() const;
  // clean(), and the server has not closed the connection since its last use (restart,
  // failover, idle timeout): checked by reading what arrived meanwhile, without blocking.
  bool alive();

 private:
  // Rows buffered for one PgRowBatch: one array literal per column, still open (no closing
  // brace).
  struct BufferedRows {
    const PgRowBatch* batch;
    std::vector<std::string> columns;
    std::size_t rows = 0;
  };

  // Whether a statement sent behind deferred ones still runs when one of them failed.
  enum class AfterDeferredFailure { kRun, kSkip };

  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  [[noreturn]] void fail(pg_result* result);
  void prepare(const PgStatement& statement);
  void send_deferred(const PgStatement& statement, std::span<const PgParam> params);
  // Sends every buffered row (see defer_row), deferred.
  void send_rows();
  PgResult exec_text(const char* sql, std::span<const PgParam> params,
                     AfterDeferredFailure after_failure);
  // Sends what `send` queues behind the deferred statements, reads their results and then its
  // own, leaves pipeline mode and returns its result.
  template <typename Send>
  PgResult exec_after_deferred(Send send, AfterDeferredFailure after_failure);
  // Reads every deferred result and leaves pipeline mode; throws the first failure.
  void flush();
  // Reads the deferred statements' results (not the sync point behind them). Returns the first
  // failure (the caller owns it), or null.
  pg_result* read_deferred_results();
  pg_result* read_result();
  void read_sync();

  pg_conn* conn_;
  std::vector<bool> prepared_;  // by PgStatement::index()
  int deferred_ = 0;            // statements sent in pipeline mode whose results are unread
  std::vector<BufferedRows> row_batches_;  // by PgRowBatch::order(), only those holding rows
};

}  // namespace regen::storage
