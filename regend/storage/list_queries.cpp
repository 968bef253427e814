#include "regend/storage/list_queries.h"

#include <algorithm>

#include "regend/storage/row_codec.h"

namespace regen::storage {
namespace {

// Appends conditions and clauses to one statement, numbering a placeholder per bound value.
class QueryBuilder {
 public:
  QueryBuilder(SqlDialect dialect, std::string select) : dialect_(dialect) {
    query_.text = std::move(select);
  }

  // The placeholder standing for `value`.
  std::string bind(SqlValue value) {
    query_.params.push_back(std::move(value));
    return (dialect_ == SqlDialect::kSqlite ? "?" : "$") + std::to_string(query_.params.size());
  }

  void where(const std::string& condition) {
    query_.text += has_where_ ? " AND " : " WHERE ";
    query_.text += condition;
    has_where_ = true;
  }

  // `column IN (...)` over the values; no condition for an empty list.
  void where_in(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::string condition = std::string(column) + " IN (";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) condition += ", ";
      condition += bind(values[i]);
    }
    where(condition + ")");
  }

  void where_title_contains(const std::string& text) {
    if (text.empty()) return;
    const char* op = dialect_ == SqlDialect::kSqlite ? "LIKE" : "ILIKE";
    where(std::string("title ") + op + " " + bind(like_contains_pattern(text)) + " ESCAPE '\\'");
  }

  // Keyset cursor, newest-first order on (time_column, id), limit and offset.
  void page(std::string_view time_column, const PageRequest& page) {
    const std::string time(time_column);
    if (page.after) {
      std::string at = bind(to_millis(page.after->at));
      where("(" + time + ", id) < (" + at + ", " + bind(page.after->id) + ")");
    }
    std::string limit = bind(std::max<int64_t>(page.limit, 0));
    std::string offset = bind(std::max<int64_t>(page.offset, 0));
    query_.text += " ORDER BY " + time + " DESC, id DESC LIMIT " + limit + " OFFSET " + offset;
  }

  SqlQuery finish() && { return std::move(query_); }

 private:
  SqlDialect dialect_;
  SqlQuery query_;
  bool has_where_ = false;
};

template <typename Enum>
std::vector<std::string> names(const std::vector<Enum>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (Enum value : values) out.emplace_back(domain::to_string(value));
  return out;
}

void incident_conditions(QueryBuilder& q, const IncidentFilter& filter) {
  q.where_in("status", names(filter.statuses));
  q.where_in("severity", names(filter.severities));
  if (filter.created_after) q.where("created_at >= " + q.bind(to_millis(*filter.created_after)));
  if (filter.created_before) q.where("created_at < " + q.bind(to_millis(*filter.created_before)));
  q.where_title_contains(filter.title_contains);
}

void alert_conditions(QueryBuilder& q, const AlertFilter& filter) {
  q.where_in("source", filter.sources);
  q.where_in("status", names(filter.statuses));
  q.where_in("severity", names(filter.severities));
}

}  // namespace

SqlQuery incident_page_query(SqlDialect dialect, const IncidentFilter& filter,
                             const PageRequest& page) {
  QueryBuilder q(dialect, std::string("SELECT ") + kIncidentColumns + " FROM incidents");
  incident_conditions(q, filter);
  q.page("created_at", page);
  return std::move(q).finish();
}

SqlQuery incident_count_query(SqlDialect dialect, const IncidentFilter& filter) {
  QueryBuilder q(dialect, "SELECT COUNT(*) FROM incidents");
  incident_conditions(q, filter);
  return std::move(q).finish();
}

SqlQuery alert_page_query(SqlDialect dialect, const AlertFilter& filter, const PageRequest& page) {
  QueryBuilder q(dialect, std::string("SELECT ") + kAlertColumns + " FROM alerts");
  alert_conditions(q, filter);
  q.page("received_at", page);
  return std::move(q).finish();
}

SqlQuery alert_count_query(SqlDialect dialect, const AlertFilter& filter) {
  QueryBuilder q(dialect, "SELECT COUNT(*) FROM alerts");
  alert_conditions(q, filter);
  return std::move(q).finish();
}

std::string like_contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace regen::storage
