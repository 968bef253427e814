#pragma once
// What the HTTP API and token commands print in table mode: pure functions from the daemon's
// JSON to text, so that tests can check them without a daemon. Missing or mistyped fields show
// as "-"; text from the daemon is made safe for a terminal (output.h: one_line).

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "regenctl/time_text.h"

namespace regen::ctl {

struct ViewOptions {
  TimePoint now;        // ages are relative to this
  bool wide = false;    // -o wide: more columns
  bool colour = false;  // status and severity in colour (terminal.h)
};

// `incidents` is a list's "data" array. Columns # STATUS SEV AGE TITLE; wide adds ACKED and
// RESOLVED (ages) and COMMANDER before TITLE. An empty list renders "No incidents.\n".
std::string render_incident_list(const boost::json::value& incidents, const ViewOptions& view);

// `incident` is GET /api/v1/incidents/N: a key/value header, then its alerts, then its
// timeline, times in UTC.
std::string render_incident_detail(const boost::json::value& incident, const ViewOptions& view);

// A timeline entry's payload in a few words (at most 100 bytes): "status triggered ->
// acknowledged", the text of a note, "opened: <title> (<severity>)", "alert 7 (prometheus):
// <title>", else its scalar members as "key=value, ...".
std::string describe_timeline_entry(const boost::json::value& entry);

// The line for one incident of `incidents ack|resolve`, from the PATCH reply: "#12
// acknowledged", or "#13 already acknowledged" when its "changed" array is empty. `label` names
// the incident ("#12").
std::string describe_status_change(std::string_view label, const boost::json::value& reply,
                                   std::string_view wanted_status);

// `alerts` is a list's "data" array. Columns ID SOURCE STATUS SEV AGE INCIDENT TITLE (AGE from
// started_at, else received_at); wide adds
// EXTERNAL ID and COUNT (occurrence) before TITLE. INCIDENT is "#N" when the alert carries an
// incident_number, else "id:N" from its incident_id (which `incidents show` accepts). An empty
// list renders "No alerts.\n".
std::string render_alert_list(const boost::json::value& alerts, const ViewOptions& view);

// When an alert started: its started_at, or its received_at when the sender gave no start time.
// nullptr when it has neither.
const boost::json::value* alert_start_time(const boost::json::value& alert);

// `data` is tokens.list's {"tokens":[...]}. Columns NAME ROLE CREATED LAST USED, and REVOKED
// when `show_revoked`. Never shows a token's secret (the daemon does not send it either).
std::string render_token_list(const boost::json::value& data, bool show_revoked);

// tokens.create's data: the token on a line of its own and the warning that it is shown once.
std::string render_token_created(const boost::json::value& data);

}  // namespace regen::ctl
