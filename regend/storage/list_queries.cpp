#include "regend/storage/list_queries.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "regend/storage/row_codec.h"

namespace regen::storage {
namespace {

// Numbers a placeholder per bound value; params[i] is placeholder i + 1 wherever it appears.
class Params {
 public:
  explicit Params(SqlDialect dialect) : dialect_(dialect) {}

  std::string bind(SqlValue value) {
    values_.push_back(std::move(value));
    return (dialect_ == SqlDialect::kSqlite ? "?" : "$") + std::to_string(values_.size());
  }
  SqlDialect dialect() const { return dialect_; }
  std::vector<SqlValue> take() && { return std::move(values_); }

 private:
  SqlDialect dialect_;
  std::vector<SqlValue> values_;
};

// The WHERE clause of one SELECT.
class Where {
 public:
  explicit Where(Params& params) : params_(params) {}

  void add(const std::string& condition) {
    text_ += text_.empty() ? " WHERE " : " AND ";
    text_ += condition;
  }

  // `column = v` for one value, `column IN (...)` for several, nothing for none.
  void in(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::string condition(column);
    if (values.size() == 1) {
      add(condition + " = " + params_.bind(values[0]));
      return;
    }
    condition += " IN (";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) condition += ", ";
      condition += params_.bind(values[i]);
    }
    add(condition + ")");
  }

  void title_contains(const std::string& text) {
    if (text.empty()) return;
    const char* op = params_.dialect() == SqlDialect::kSqlite ? "LIKE" : "ILIKE";
    add(std::string("title ") + op + " " + params_.bind(like_contains_pattern(text)) +
        " ESCAPE '\\'");
  }

  // Rows strictly older than the keyset cursor, in (time, id) order.
  void before(const std::string& time_column, const std::optional<Cursor>& after) {
    if (!after) return;
    std::string at = params_.bind(to_millis(after->at));
    add("(" + time_column + ", id) < (" + at + ", " + params_.bind(after->id) + ")");
  }

  Params& params() { return params_; }
  const std::string& text() const { return text_; }

 private:
  Params& params_;
  std::string text_;
};

// A filter column and the values it may take (none: any).
struct Choice {
  std::string_view column;
  std::vector<std::string> values;
};

// One list: its table, columns, sort time, value choices and any other conditions.
struct ListShape {
  std::string_view table;
  std::string_view columns;
  std::string time_column;
  std::vector<Choice> choices;
  std::function<void(Where&)> more;  // conditions besides the choices
};

template <typename Enum>
std::vector<std::string> names(const std::vector<Enum>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (Enum value : values) out.emplace_back(domain::to_string(value));
  return out;
}

std::size_t arm_count(const std::vector<Choice>& choices) {
  std::size_t arms = 1;
  for (const Choice& choice : choices) {
    arms *= std::max<std::size_t>(choice.values.size(), 1);
    if (arms > kMaxArms) return arms;
  }
  return arms;
}

// Every combination of one value per choice (choices without values stay "any").
std::vector<std::vector<Choice>> combinations(const std::vector<Choice>& choices) {
  std::vector<std::vector<Choice>> out{{}};
  for (const Choice& choice : choices) {
    if (choice.values.size() <= 1) {
      for (auto& combination : out) combination.push_back(choice);
      continue;
    }
    std::vector<std::vector<Choice>> next;
    for (const auto& combination : out) {
      for (const std::string& value : choice.values) {
        next.push_back(combination);
        next.back().push_back(Choice{choice.column, {value}});
      }
    }
    out = std::move(next);
  }
  return out;
}

// The list's conditions, with `choices` for the value choices.
Where conditions(Params& params, const ListShape& list, const std::vector<Choice>& choices) {
  Where where(params);
  for (const Choice& choice : choices) where.in(choice.column, choice.values);
  if (list.more) list.more(where);
  return where;
}

std::string select(Params& params, const ListShape& list, const std::vector<Choice>& choices,
                   const std::optional<Cursor>& after) {
  Where where = conditions(params, list, choices);
  where.before(list.time_column, after);
  return "SELECT " + std::string(list.columns) + " FROM " + std::string(list.table) + where.text() +
         " ORDER BY " + list.time_column + " DESC, id DESC";
}

SqlQuery page_query(SqlDialect dialect, const ListShape& list, const PageRequest& page) {
  Params params(dialect);
  const int64_t limit = std::max<int64_t>(page.limit, 0);
  const int64_t offset = std::max<int64_t>(page.offset, 0);
  std::string text;
  const std::size_t arms = arm_count(list.choices);
  if (arms == 1 || arms > kMaxArms) {
    text = select(params, list, list.choices, page.after);
  } else {
    // Each arm needs the rows the merged page could skip or show.
    const int64_t each = offset > std::numeric_limits<int64_t>::max() - limit
                             ? std::numeric_limits<int64_t>::max()
                             : offset + limit;
    const std::string each_limit = params.bind(each);
    std::string merged;
    int n = 0;
    for (const std::vector<Choice>& arm : combinations(list.choices)) {
      if (!merged.empty()) merged += " UNION ALL ";
      merged += "SELECT * FROM (" + select(params, list, arm, page.after) + " LIMIT " + each_limit +
                ") AS arm" + std::to_string(++n);
    }
    text = "SELECT * FROM (" + merged + ") AS page ORDER BY " + list.time_column + " DESC, id DESC";
  }
  text += " LIMIT " + params.bind(limit) + " OFFSET " + params.bind(offset);
  return SqlQuery{std::move(text), std::move(params).take()};
}

// COUNT(*) of the matches; with `up_to` > 0, of at most that many.
SqlQuery count_query(SqlDialect dialect, const ListShape& list, int64_t up_to) {
  Params params(dialect);
  Where where = conditions(params, list, list.choices);
  const std::string table(list.table);
  std::string text = up_to > 0 ? "SELECT COUNT(*) FROM (SELECT 1 FROM " + table + where.text() +
                                     " LIMIT " + params.bind(up_to) + ") AS matching"
                               : "SELECT COUNT(*) FROM " + table + where.text();
  return SqlQuery{std::move(text), std::move(params).take()};
}

// A row when more than `bound` rows match: the one at OFFSET `bound`.
SqlQuery beyond_query(SqlDialect dialect, const ListShape& list, int64_t bound) {
  Params params(dialect);
  Where where = conditions(params, list, list.choices);
  std::string text = "SELECT 1 FROM " + std::string(list.table) + where.text() +
                     " LIMIT 1 OFFSET " + params.bind(bound);
  return SqlQuery{std::move(text), std::move(params).take()};
}

CountPlan count_plan(SqlDialect dialect, const ListShape& list, bool filtered,
                     int64_t count_limit) {
  if (count_limit <= 0) return CountPlan{std::nullopt, count_query(dialect, list, 0), 0};
  if (!filtered) {
    // Past the probe at most count_limit rows match: the exact count stops there anyway.
    return CountPlan{beyond_query(dialect, list, count_limit), count_query(dialect, list, 0), 0};
  }
  return CountPlan{std::nullopt, count_query(dialect, list, count_limit + 1), count_limit + 1};
}

ListShape incidents(const IncidentFilter& filter) {
  return ListShape{
      .table = "incidents",
      .columns = kIncidentColumns,
      .time_column = "created_at",
      .choices = {{"status", names(filter.statuses)}, {"severity", names(filter.severities)}},
      .more = [&filter](Where& where) {
        Params& params = where.params();
        if (filter.created_after) {
          where.add("created_at >= " + params.bind(to_millis(*filter.created_after)));
        }
        if (filter.created_before) {
          where.add("created_at < " + params.bind(to_millis(*filter.created_before)));
        }
        where.title_contains(filter.title_contains);
      }};
}

ListShape alerts(const AlertFilter& filter) {
  return ListShape{.table = "alerts",
                   .columns = kAlertListColumns,
                   .time_column = "received_at",
                   .choices = {{"source", filter.sources},
                               {"status", names(filter.statuses)},
                               {"severity", names(filter.severities)}},
                   .more = nullptr};
}

}  // namespace

SqlQuery incident_page_query(SqlDialect dialect, const IncidentFilter& filter,
                             const PageRequest& page) {
  return page_query(dialect, incidents(filter), page);
}

CountPlan incident_count_plan(SqlDialect dialect, const IncidentFilter& filter,
                              int64_t count_limit) {
  const bool filtered = !filter.statuses.empty() || !filter.severities.empty() ||
                        filter.created_after || filter.created_before ||
                        !filter.title_contains.empty();
  return count_plan(dialect, incidents(filter), filtered, count_limit);
}

SqlQuery alert_page_query(SqlDialect dialect, const AlertFilter& filter, const PageRequest& page) {
  return page_query(dialect, alerts(filter), page);
}

CountPlan alert_count_plan(SqlDialect dialect, const AlertFilter& filter, int64_t count_limit) {
  const bool filtered =
      !filter.sources.empty() || !filter.statuses.empty() || !filter.severities.empty();
  return count_plan(dialect, alerts(filter), filtered, count_limit);
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
