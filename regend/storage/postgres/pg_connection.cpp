#include "regend/storage/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <vector>

#include "regend/storage/postgres/pg_array.h"
#include "regend/storage/postgres/pg_error.h"
#include "regend/storage/postgres/pg_url.h"
#include "regend/storage/row_codec.h"

namespace regen::storage {
namespace {

// libpq prints notices ("relation already exists, skipping") on stderr by default.
void log_notice(void* /*arg*/, const char* message) {
  spdlog::debug("postgres: {}", trimmed(message));
}

// libpq takes whole seconds; round up so a timeout is never shorter than configured.
std::string connect_timeout_seconds(std::chrono::milliseconds timeout) {
  const auto seconds = (timeout.count() + 999) / 1000;
  return std::to_string(seconds < 1 ? 1 : seconds);
}

std::atomic<std::size_t> next_statement_index{0};

// Deferred statements are read at the latest after this many. libpq writes in blocking mode:
// a server blocked writing answers that nobody reads would stop reading our statements too.
// A few hundred command tags fit in any socket buffer.
constexpr int kMaxDeferred = 256;

// Buffered rows of one batch are sent at the latest at this many: an ingestion batch is a few
// dozen, and a bulk caller should not build unbounded arrays.
constexpr std::size_t kMaxBufferedRows = 1000;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

bool succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

std::vector<const char*> values_of(std::span<const PgParam> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) values.push_back(param.c_str());
  return values;
}

}  // namespace

PgStatement::PgStatement(std::string sql, PgPlanning planning, PgBufferedRows buffered)
    : sql_(std::move(sql)),
      index_(next_statement_index.fetch_add(1)),
      name_("regen_" + std::to_string(index_)),
      planning_(planning),
      buffered_(buffered) {}

PgParam::PgParam(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    throw StoreError(ErrorCode::kInvalidArgument,
                     "text with a NUL byte cannot be stored in PostgreSQL");
  }
  text_.emplace(text);
}

PgParam::PgParam(domain::Timestamp at) : text_(std::to_string(to_millis(at))) {}

void PgResult::Deleter::operator()(pg_result* result) const { PQclear(result); }

PgResult::PgResult(pg_result* result) : result_(result) {}

int PgResult::rows() const { return PQntuples(result_.get()); }

int64_t PgResult::affected() const {
  const std::string_view tuples = PQcmdTuples(result_.get());
  int64_t count = 0;
  std::from_chars(tuples.data(), tuples.data() + tuples.size(), count);
  return count;
}

std::string_view PgResult::command() const { return PQcmdStatus(result_.get()); }

bool PgResult::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgResult::view(int row, int column) const {
  if (is_null(row, column)) {
    throw StoreError(ErrorCode::kInternal,
                     std::string("unexpected NULL in column ") + PQfname(result_.get(), column));
  }
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

int64_t PgResult::int64(int row, int column) const {
  const std::string_view text = view(row, column);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw StoreError(ErrorCode::kInternal,
                     std::string("not an integer in column ") + PQfname(result_.get(), column));
  }
  return value;
}

bool PgResult::boolean(int row, int column) const { return view(row, column) == "t"; }

domain::Timestamp PgResult::time(int row, int column) const {
  return from_millis(int64(row, column));
}

std::optional<std::string> PgResult::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::optional<int64_t> PgResult::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

std::optional<domain::Timestamp> PgResult::optional_time(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return time(row, column);
}

std::unique_ptr<PgConnection> PgConnection::open(const PgSettings& settings) {
  const std::string timeout = connect_timeout_seconds(settings.connect_timeout);
  // Keywords before dbname are defaults the URL may override; those after it always win.
  // Keepalives notice a server that vanished without closing (host crash, partition) in ~11 s.
  const char* const keys[] = {"application_name",    "keepalives",       "keepalives_idle",
                              "keepalives_interval", "keepalives_count", "dbname",
                              "connect_timeout",     "client_encoding",  nullptr};
  const char* const values[] = {"regend",        "1",    "5",    "2", "3", settings.url.c_str(),
                                timeout.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn != nullptr ? trimmed(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    throw StoreError(ErrorCode::kUnavailable, "cannot connect to postgres at " +
                                                  mask_password(settings.url) + ": " + message);
  }
  PQsetNoticeProcessor(conn, log_notice, nullptr);
  std::unique_ptr<PgConnection> connection(new PgConnection(conn));
  // plan_cache_mode stays at its default: a prepared statement gets a generic plan, kept from
  // its 6th execution on, and so do the foreign-key checks behind every insert. Forcing custom
  // plans instead replanned every statement and every FK check per row: over a third of the
  // server's CPU per ingested alert. The one statement whose generic plan is poor is planned
  // per execution (PgWriteTx's kFindAlertForUpdate).
  connection->exec("SELECT set_config('statement_timeout', $1, false)",
                   {static_cast<int64_t>(settings.statement_timeout.count())});
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

PgResult PgConnection::exec(const char* sql, std::span<const PgParam> params) {
  send_rows();
  return exec_text(sql, params, AfterDeferredFailure::kRun);
}

PgResult PgConnection::exec(const PgStatement& statement, std::span<const PgParam> params) {
  if (statement.buffered() == PgBufferedRows::kSendFirst) send_rows();
  if (statement.planning() == PgPlanning::kPerExecution) {
    return exec_text(statement.sql().c_str(), params, AfterDeferredFailure::kSkip);
  }
  prepare(statement);
  const std::vector<const char*> values = values_of(params);
  const int count = static_cast<int>(values.size());
  if (deferred_ > 0) {
    return exec_after_deferred(
        [&] {
          return PQsendQueryPrepared(conn_, statement.name().c_str(), count, values.data(), nullptr,
                                     nullptr, 0);
        },
        AfterDeferredFailure::kSkip);
  }
  PGresult* result = PQexecPrepared(conn_, statement.name().c_str(), count, values.data(), nullptr,
                                    nullptr, /*resultFormat=*/0);
  if (!succeeded(result)) fail(result);
  return PgResult(result);
}

PgResult PgConnection::exec_text(const char* sql, std::span<const PgParam> params,
                                 AfterDeferredFailure after_failure) {
  const std::vector<const char*> values = values_of(params);
  const int count = static_cast<int>(values.size());
  if (deferred_ > 0) {
    return exec_after_deferred(
        [&] {
          return PQsendQueryParams(conn_, sql, count, nullptr, values.data(), nullptr, nullptr, 0);
        },
        after_failure);
  }
  PGresult* result =
      PQexecParams(conn_, sql, count, nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0);
  if (!succeeded(result)) fail(result);
  return PgResult(result);
}

void PgConnection::defer_row(const PgRowBatch& batch, std::span<const PgParam> row) {
  if (row.size() != static_cast<std::size_t>(batch.columns())) {
    throw StoreError(ErrorCode::kInternal, "a buffered row has the wrong number of columns");
  }
  auto it = std::find_if(row_batches_.begin(), row_batches_.end(), [&](const BufferedRows& rows) {
    return rows.batch->order() >= batch.order();
  });
  if (it == row_batches_.end() || it->batch != &batch) {
    it = row_batches_.insert(it, BufferedRows{&batch, std::vector<std::string>(row.size(), "{")});
  }
  for (std::size_t i = 0; i < row.size(); ++i) append_array_element(it->columns[i], row[i].c_str());
  if (++it->rows >= kMaxBufferedRows) send_rows();
}

void PgConnection::send_rows() {
  if (row_batches_.empty()) return;
  std::vector<BufferedRows> batches = std::move(row_batches_);
  row_batches_.clear();
  std::vector<PgParam> arrays;
  for (BufferedRows& rows : batches) {
    arrays.clear();
    for (std::string& column : rows.columns) {
      column += '}';
      arrays.emplace_back(column);
    }
    send_deferred(rows.batch->statement(), arrays);
  }
}

void PgConnection::send_deferred(const PgStatement& statement, std::span<const PgParam> params) {
  const bool cached = statement.planning() == PgPlanning::kCached;
  if (cached) prepare(statement);
  const std::vector<const char*> values = values_of(params);
  const int count = static_cast<int>(values.size());
  if (deferred_ == 0 && PQenterPipelineMode(conn_) != 1) fail(nullptr);
  const int sent = cached ? PQsendQueryPrepared(conn_, statement.name().c_str(), count,
                                                values.data(), nullptr, nullptr, 0)
                          : PQsendQueryParams(conn_, statement.sql().c_str(), count, nullptr,
                                              values.data(), nullptr, nullptr, 0);
  if (sent != 1) fail(nullptr);
  if (++deferred_ >= kMaxDeferred) flush();
}

// Once per statement and connection: a new connection (after a reconnect) starts with none.
// Prepared statements outlive the transaction that prepared them, rolled back or not.
void PgConnection::prepare(const PgStatement& statement) {
  if (statement.index() < prepared_.size() && prepared_[statement.index()]) return;
  const char* name = statement.name().c_str();
  const char* sql = statement.sql().c_str();
  if (deferred_ > 0) {
    exec_after_deferred([&] { return PQsendPrepare(conn_, name, sql, 0, nullptr); },
                        AfterDeferredFailure::kRun);
  } else {
    PGresult* result = PQprepare(conn_, name, sql, 0, nullptr);
    if (!succeeded(result)) fail(result);
    PQclear(result);
  }
  if (prepared_.size() <= statement.index()) prepared_.resize(statement.index() + 1);
  prepared_[statement.index()] = true;
}

// kRun puts a sync point between the deferred statements and this one: it ends the server's
// skipping after a failure among them, so this one runs either way (a ROLLBACK behind a failed
// deferred statement still rolls back, a COMMIT answers ROLLBACK); both syncs go out in one
// write, but the server answers each with a flush of its own. kSkip sends one sync: after a
// deferred failure the server skips this statement too, which inside a transaction changes
// nothing (it is aborted either way), and saves a flush and a wake-up per round trip. Either
// way a deferred failure wins over this statement's own.
template <typename Send>
PgResult PgConnection::exec_after_deferred(Send send, AfterDeferredFailure after_failure) {
  const bool isolated = after_failure == AfterDeferredFailure::kRun;
  if ((isolated && PQpipelineSync(conn_) != 1) || send() != 1 || PQpipelineSync(conn_) != 1) {
    fail(nullptr);
  }
  ResultPtr error(read_deferred_results(), PQclear);
  if (isolated) read_sync();
  ResultPtr result(read_result(), PQclear);
  if (result == nullptr) fail(nullptr);
  read_sync();
  if (PQexitPipelineMode(conn_) != 1) fail(nullptr);
  if (error != nullptr) fail(error.release());
  if (!succeeded(result.get())) fail(result.release());
  return PgResult(result.release());
}

void PgConnection::flush() {
  if (PQpipelineSync(conn_) != 1) fail(nullptr);
  ResultPtr error(read_deferred_results(), PQclear);
  read_sync();
  if (PQexitPipelineMode(conn_) != 1) fail(nullptr);
  if (error != nullptr) fail(error.release());
}

PGresult* PgConnection::read_deferred_results() {
  ResultPtr first_error(nullptr, PQclear);
  for (; deferred_ > 0; --deferred_) {
    ResultPtr result(read_result(), PQclear);
    if (result == nullptr) fail(nullptr);
    // After a failure the server skips the rest up to the sync: PGRES_PIPELINE_ABORTED.
    if (first_error == nullptr && !succeeded(result.get())) first_error = std::move(result);
  }
  return first_error.release();
}

// In pipeline mode every statement's results end with a null; null first: connection lost.
PGresult* PgConnection::read_result() {
  PGresult* result = PQgetResult(conn_);
  if (result == nullptr) return nullptr;
  while (PGresult* extra = PQgetResult(conn_)) {
    PQclear(extra);
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  return result;
}

void PgConnection::read_sync() {
  PGresult* result = PQgetResult(conn_);
  if (PQresultStatus(result) != PGRES_PIPELINE_SYNC) fail(result);
  PQclear(result);
}

void PgConnection::exec_script(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (result == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(result);
  PQclear(result);
}

void PgConnection::fail(pg_result* result) {
  StoreError error = query_error(conn_, result);
  PQclear(result);
  throw error;
}

bool PgConnection::clean() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && row_batches_.empty();
}

bool PgConnection::alive() {
  // libpq's socket is non-blocking, so this never waits. Twice: the first read may stop at the
  // server's final error message ("terminating connection due to administrator command"),
  // before the end of stream behind it.
  for (int i = 0; i < 2; ++i) {
    if (PQconsumeInput(conn_) == 0) return false;
  }
  return clean();
}

}  // namespace regen::storage
