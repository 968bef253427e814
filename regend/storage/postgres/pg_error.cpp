#include "regend/storage/postgres/pg_error.h"

#include <libpq-fe.h>

#include <string>

namespace regen::storage {
namespace {

std::string field(const PGresult* result, int code) {
  const char* value = result != nullptr ? PQresultErrorField(result, code) : nullptr;
  return value != nullptr ? value : "";
}

}  // namespace

std::string trimmed(const char* text) {
  std::string out(text != nullptr ? text : "");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool is_retryable_sqlstate(std::string_view sqlstate) {
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53")) return true;
  constexpr std::string_view kRetryable[] = {"57014", "40001", "40P01", "57P01",
                                             "57P02", "57P03", "25006", "55P03"};
  for (std::string_view code : kRetryable) {
    if (sqlstate == code) return true;
  }
  return false;
}

StoreError query_error(PGconn* conn, const PGresult* result) {
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : "");
    if (message.empty()) message = trimmed(PQerrorMessage(conn));
    return StoreError(ErrorCode::kUnavailable, "postgres connection lost: " + message);
  }
  const std::string sqlstate = field(result, PG_DIAG_SQLSTATE);
  std::string message = field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) {
    message = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  }
  if (const std::string detail = field(result, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) {
    message += ": " + detail;
  }
  if (sqlstate.empty()) return StoreError(ErrorCode::kInternal, "postgres: " + message);
  // Another writer inserted the same alert after this one's find_alert and committed first
  // (PgWriteTx::insert_alert): not a fault of the data, a retry finds that row and updates it.
  if (sqlstate == "23505" &&
      field(result, PG_DIAG_CONSTRAINT_NAME) == "alerts_source_external_id_key") {
    return StoreError(ErrorCode::kUnavailable, "concurrent insert of the same alert; retry");
  }
  const ErrorCode code =
      is_retryable_sqlstate(sqlstate) ? ErrorCode::kUnavailable : ErrorCode::kInternal;
  return StoreError(code, "postgres: " + message + " (SQLSTATE " + sqlstate + ")");
}

}  // namespace regen::storage
