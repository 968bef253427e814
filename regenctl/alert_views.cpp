#include "regenctl/output.h"
#include "regenctl/terminal.h"
#include "regenctl/views.h"

namespace regen::ctl {
namespace json = boost::json;
namespace {

const json::value* member(const json::value& object, std::string_view key) {
  return find_member(object, {key});
}

std::string coloured(const json::value& alert, std::string_view key,
                     Colour (*colour)(std::string_view), bool enabled) {
  const std::string text = cell_text(member(alert, key));
  return paint(text, colour(text), enabled);
}

// The incident an alert belongs to: "#N" when the daemon sends its number, else "id:N" (which
// `incidents show` takes); "-" while the alert is in no incident.
std::string incident_text(const json::value& alert) {
  const json::value* number = member(alert, "incident_number");
  if (number != nullptr && !number->is_null()) return "#" + cell_text(number);
  const json::value* id = member(alert, "incident_id");
  if (id == nullptr || id->is_null()) return std::string(kMissing);
  return "id:" + cell_text(id);
}

}  // namespace

const json::value* alert_start_time(const json::value& alert) {
  const json::value* started = member(alert, "started_at");
  if (started != nullptr && started->is_string()) return started;
  return member(alert, "received_at");
}

std::string render_alert_list(const json::value& alerts, const ViewOptions& view) {
  if (!alerts.is_array() || alerts.get_array().empty()) return "No alerts.\n";
  std::vector<std::string> headers{"ID", "SOURCE", "STATUS", "SEV", "AGE", "INCIDENT"};
  if (view.wide) headers.insert(headers.end(), {"EXTERNAL ID", "COUNT"});
  headers.emplace_back("TITLE");
  ColumnTable table(std::move(headers));
  for (const json::value& alert : alerts.get_array()) {
    std::vector<std::string> row{cell_text(member(alert, "id")),
                                 cell_text(member(alert, "source")),
                                 coloured(alert, "status", status_colour, view.colour),
                                 coloured(alert, "severity", severity_colour, view.colour),
                                 age_text(alert_start_time(alert), view.now),
                                 incident_text(alert)};
    if (view.wide) {
      row.push_back(cell_text(member(alert, "external_id"), 40));
      row.push_back(cell_text(member(alert, "occurrence")));
    }
    row.push_back(cell_text(member(alert, "title")));
    table.add_row(std::move(row));
  }
  return table.render();
}

}  // namespace regen::ctl
