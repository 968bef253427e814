#include "regenctl/output.h"
#include "regenctl/views.h"

namespace regen::ctl {
namespace json = boost::json;
namespace {

const json::value* member(const json::value& object, std::string_view key) {
  return find_member(object, {key});
}

std::string time_text(const json::value* time, std::string_view when_null) {
  if (time != nullptr && time->is_null()) return std::string(when_null);
  return utc_text(time);
}

}  // namespace

std::string render_token_list(const json::value& data, bool show_revoked) {
  const json::value* tokens = member(data, "tokens");
  if (tokens == nullptr || !tokens->is_array() || tokens->get_array().empty()) {
    return show_revoked ? "No tokens.\n" : "No active tokens.\n";
  }
  std::vector<std::string> headers{"NAME", "ROLE", "CREATED", "LAST USED"};
  if (show_revoked) headers.emplace_back("REVOKED");
  ColumnTable table(std::move(headers));
  for (const json::value& token : tokens->get_array()) {
    std::vector<std::string> row{cell_text(member(token, "name")), cell_text(member(token, "role")),
                                 time_text(member(token, "created_at"), "-"),
                                 time_text(member(token, "last_used_at"), "never")};
    if (show_revoked) row.push_back(time_text(member(token, "revoked_at"), "-"));
    table.add_row(std::move(row));
  }
  return table.render();
}

std::string render_token_created(const json::value& data) {
  return "Created token '" + cell_text(member(data, "name")) + "' (role " +
         cell_text(member(data, "role")) + "):\n\n    " + cell_text(member(data, "token")) +
         "\n\nThis token cannot be shown again: store it now. regenctl reads it from --token, "
         "REGEN_TOKEN or ~/.config/regen/regenctl.toml.\n";
}

}  // namespace regen::ctl
