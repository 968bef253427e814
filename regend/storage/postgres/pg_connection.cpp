#include "regend/storage/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <vector>

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

}  // namespace

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
  connection->exec("SELECT set_config('statement_timeout', $1, false)",
                   {static_cast<int64_t>(settings.statement_timeout.count())});
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

PgResult PgConnection::exec(const char* sql, std::span<const PgParam> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) values.push_back(param.c_str());
  PGresult* result = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, /*resultFormat=*/0);
  const ExecStatusType status = PQresultStatus(result);
  if (result == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(result);
  return PgResult(result);
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
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
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
