#include <boost/json/array.hpp>

#include "regenctl/output.h"
#include "regenctl/terminal.h"
#include "regenctl/views.h"

namespace regen::ctl {
namespace json = boost::json;
namespace {

constexpr std::size_t kDetailWidth = 80;
constexpr std::size_t kShortText = 100;

const json::value* member(const json::value& object, std::string_view key) {
  return find_member(object, {key});
}

std::string painted(const json::value& object, std::string_view key,
                    Colour (*colour)(std::string_view), bool enabled) {
  const std::string text = cell_text(member(object, key));
  return paint(text, colour(text), enabled);
}

std::string number_text(const json::value& incident) {
  const json::value* number = member(incident, "incident_number");
  return number != nullptr && (number->is_int64() || number->is_uint64())
             ? "#" + scalar_text(number)
             : std::string(kMissing);
}

std::string null_as(const json::value* value, std::string_view when_null) {
  if (value != nullptr && value->is_null()) return std::string(when_null);
  return cell_text(value);
}

std::string duration_text(const json::value* seconds) {
  const auto value = as_number(seconds);
  return value ? format_duration(*value) : std::string(kMissing);
}

std::string created_text(const json::value& incident, const ViewOptions& view) {
  const json::value* created = member(incident, "created_at");
  const std::string age = age_text(created, view.now);
  const std::string utc = utc_text(created);
  return age == kMissing ? utc : utc + " (" + age + " ago)";
}

// The size of a nested {"data":[...],"total":N} list, as a heading: "Alerts (3)", or
// "Alerts (showing 50 of 120)" when the daemon sent only part of it.
std::string section_heading(std::string_view name, const json::array& rows,
                            const json::value* total) {
  const auto count = as_number(total);
  std::string heading(name);
  if (count && *count > static_cast<double>(rows.size())) {
    return heading + " (showing " + std::to_string(rows.size()) + " of " + format_number(*count) +
           ")";
  }
  return heading + " (" + std::to_string(rows.size()) + ")";
}

const json::array& nested_rows(const json::value& incident, std::string_view key) {
  static const json::array kEmpty;
  const json::value* rows = find_member(incident, {key, "data"});
  return rows != nullptr && rows->is_array() ? rows->get_array() : kEmpty;
}

std::string render_header(const json::value& incident, const ViewOptions& view) {
  KeyValueTable table;
  table.add("Incident", number_text(incident));
  table.add("Title", cell_text(member(incident, "title")));
  table.add("Status", painted(incident, "status", status_colour, view.colour));
  table.add("Severity", painted(incident, "severity", severity_colour, view.colour));
  table.add("Created", created_text(incident, view));
  table.add("Acknowledged", utc_text(member(incident, "acknowledged_at")));
  table.add("Resolved", utc_text(member(incident, "resolved_at")));
  table.add("Time to ack", duration_text(member(incident, "time_to_acknowledge_s")));
  table.add("Time to resolve", duration_text(member(incident, "time_to_resolve_s")));
  table.add("Commander", null_as(member(incident, "commander"), "none"));
  const std::string summary = one_line(scalar_text(member(incident, "summary")));
  table.add("Summary", summary.empty() ? std::string(kMissing) : wrap_text(summary, kDetailWidth));
  return table.render();
}

std::string render_alerts_section(const json::value& incident, const ViewOptions& view) {
  const json::array& alerts = nested_rows(incident, "alerts");
  std::string out = section_heading("Alerts", alerts, find_member(incident, {"alerts", "total"}));
  if (alerts.empty()) return out + "\n  none\n";
  ColumnTable table({"ID", "SOURCE", "STATUS", "SEV", "STARTED", "TITLE"});
  for (const json::value& alert : alerts) {
    table.add_row({cell_text(member(alert, "id")), cell_text(member(alert, "source")),
                   painted(alert, "status", status_colour, view.colour),
                   painted(alert, "severity", severity_colour, view.colour),
                   utc_text(alert_start_time(alert)), cell_text(member(alert, "title"))});
  }
  return out + "\n" + table.render();
}

std::string render_timeline_section(const json::value& incident) {
  const json::array& entries = nested_rows(incident, "timeline");
  std::string out =
      section_heading("Timeline", entries, find_member(incident, {"timeline", "total"}));
  if (entries.empty()) return out + "\n  none\n";
  ColumnTable table({"TIME", "ACTOR", "EVENT", "DETAILS"});
  for (const json::value& entry : entries) {
    table.add_row({utc_text(member(entry, "at")), null_as(member(entry, "actor"), "system"),
                   cell_text(member(entry, "kind")), describe_timeline_entry(entry)});
  }
  return out + "\n" + table.render();
}

std::string from_to(const json::value& payload) {
  return cell_text(member(payload, "field")) + " " + null_as(member(payload, "from"), "none") +
         " -> " + null_as(member(payload, "to"), "none");
}

// "key=value, ..." for the scalar members, leaving out incident_id (every payload repeats it).
std::string scalar_members(const json::object& payload) {
  std::string out;
  for (const auto& item : payload) {
    if (item.value().is_object() || item.value().is_array() || item.key() == "incident_id") {
      continue;
    }
    if (!out.empty()) out += ", ";
    out += std::string(item.key()) + "=" + null_as(&item.value(), "null");
  }
  return out;
}

}  // namespace

std::string render_incident_list(const json::value& incidents, const ViewOptions& view) {
  if (!incidents.is_array() || incidents.get_array().empty()) return "No incidents.\n";
  std::vector<std::string> headers{"#", "STATUS", "SEV", "AGE"};
  if (view.wide) headers.insert(headers.end(), {"ACKED", "RESOLVED", "COMMANDER"});
  headers.emplace_back("TITLE");
  ColumnTable table(std::move(headers));
  for (const json::value& incident : incidents.get_array()) {
    std::vector<std::string> row{number_text(incident),
                                 painted(incident, "status", status_colour, view.colour),
                                 painted(incident, "severity", severity_colour, view.colour),
                                 age_text(member(incident, "created_at"), view.now)};
    if (view.wide) {
      row.push_back(age_text(member(incident, "acknowledged_at"), view.now));
      row.push_back(age_text(member(incident, "resolved_at"), view.now));
      row.push_back(cell_text(member(incident, "commander")));
    }
    row.push_back(cell_text(member(incident, "title")));
    table.add_row(std::move(row));
  }
  return table.render();
}

std::string render_incident_detail(const json::value& incident, const ViewOptions& view) {
  return render_header(incident, view) + "\n" + render_alerts_section(incident, view) + "\n" +
         render_timeline_section(incident);
}

std::string describe_timeline_entry(const json::value& entry) {
  const std::string kind = scalar_text(member(entry, "kind"));
  const json::value* payload = member(entry, "payload");
  if (payload == nullptr || !payload->is_object()) return std::string(kMissing);
  std::string text;
  if (kind == "note") {
    text = scalar_text(member(*payload, "text"));
  } else if (member(*payload, "from") != nullptr && member(*payload, "to") != nullptr) {
    text = from_to(*payload);
  } else if (kind == "incident_created") {
    const json::value* manual = member(*payload, "manual");
    text = "opened" +
           std::string(manual != nullptr && manual->is_bool() && manual->get_bool() ? " by hand"
                                                                                    : "") +
           ": " + scalar_text(member(*payload, "title")) + " (" +
           scalar_text(member(*payload, "severity")) + ")";
  } else if (kind == "alert_linked" || kind == "alert_resolved") {
    text = "alert " + scalar_text(member(*payload, "alert_id")) + " (" +
           scalar_text(member(*payload, "source")) + "): " + scalar_text(member(*payload, "title"));
  } else if (kind == "all_alerts_resolved") {
    text = "every alert resolved";
  } else {
    text = scalar_members(payload->get_object());
  }
  return text.empty() ? std::string(kMissing) : one_line(text, kShortText);
}

std::string describe_status_change(std::string_view label, const json::value& reply,
                                   std::string_view wanted_status) {
  const json::value* changed = member(reply, "changed");
  const bool no_op = changed != nullptr && changed->is_array() && changed->get_array().empty();
  const std::string status = scalar_text(member(reply, "status"));
  const std::string prefix = std::string(label) + " ";
  if (status != kMissing && status != wanted_status) return prefix + "is " + status;
  return prefix + (no_op ? "already " : "") + std::string(wanted_status);
}

}  // namespace regen::ctl
