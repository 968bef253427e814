#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <iostream>
#include <memory>
#include <optional>

#include "regenctl/admin_command.h"
#include "regenctl/api_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kAckDescription[] =
    "Acknowledge incidents. One line per incident (\"#12 acknowledged\", \"#13 already "
    "acknowledged\"). Failures are reported and the rest still go ahead; the exit code is the "
    "worst failure's. An unusable token or an unreachable daemon stops at the first incident. "
    "With -o json, prints a JSON array of the updated incidents.";

constexpr const char kResolveDescription[] =
    "Resolve incidents, optionally adding a note to each timeline. One line per incident; "
    "failures are reported and the rest still go ahead; the exit code is the worst failure's. "
    "With -o json, prints a JSON array of the updated incidents.";

constexpr const char kNoteDescription[] = "Add a note to an incident's timeline.";

struct ChangeOptions {
  std::vector<std::string> numbers;
  std::string note;
};

std::string timeline_path(const std::string& number) {
  return "/api/v1/incidents/" + number + "/timeline";
}

// Every following request would fail the same way.
bool stops_the_batch(const ApiFailure& failure) {
  return failure.exit_code == kExitPermissionDenied || failure.exit_code == kExitNotAnswering;
}

void report_skipped(const std::vector<std::string>& numbers, std::size_t from) {
  if (from >= numbers.size()) return;
  std::string skipped;
  for (std::size_t i = from; i < numbers.size(); ++i) {
    skipped += (skipped.empty() ? "" : ", ") + incident_label(numbers[i]);
  }
  print_error("not attempted: " + skipped);
}

// PATCHes one incident, then adds the note. Returns its exit code; a success line goes to
// stdout (table) or its reply into `replies` (json).
int change_one(const CommandContext& context, const ApiClient& client, const std::string& number,
               std::string_view status, const std::string& note, json::array& replies, bool& stop) {
  const std::string label = incident_label(number);
  const std::string prefix = label + ": ";
  ApiResult reply = client.send("PATCH", "/api/v1/incidents/" + number,
                                json::object{{"status", std::string(status)}});
  if (!reply) {
    stop = stops_the_batch(reply.failure());
    return report_failure(reply.failure(), prefix);
  }
  std::string line = describe_status_change(label, reply.data(), status);
  int code = kExitOk;
  if (!note.empty()) {
    ApiResult added = client.send("POST", timeline_path(number), json::object{{"text", note}});
    if (added) {
      line += " (note added)";
    } else {
      stop = stops_the_batch(added.failure());
      code = report_failure(added.failure(), prefix + "note not added: ");
    }
  }
  if (context.globals.json()) {
    replies.push_back(reply.data());
  } else {
    std::cout << line << '\n' << std::flush;
  }
  return code;
}

int run_change(const CommandContext& context, const ChangeOptions& options,
               std::string_view status) {
  std::vector<std::string> numbers;
  for (const std::string& text : options.numbers) numbers.push_back(*parse_incident_number(text));
  return with_api_client(context, [&](const ApiClient& client) {
    int worst = kExitOk;
    json::array replies;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      bool stop = false;
      worst = worse_exit_code(
          worst, change_one(context, client, numbers[i], status, options.note, replies, stop));
      if (stop) {
        report_skipped(numbers, i + 1);
        break;
      }
    }
    if (context.globals.json()) print_json(replies);
    return worst;
  });
}

int run_note(const CommandContext& context, const std::string& number_text,
             const std::string& text) {
  const std::string number = *parse_incident_number(number_text);
  return with_api_client(context, [&](const ApiClient& client) {
    ApiResult added = client.send("POST", timeline_path(number), json::object{{"text", text}});
    if (!added) return report_failure(added.failure(), incident_label(number) + ": ");
    if (context.globals.json()) {
      print_json(added.data());
    } else {
      std::cout << incident_label(number) << " note added\n";
    }
    return kExitOk;
  });
}

CLI::App* add_change(CLI::App& incidents, CommandContext& context, const std::string& name,
                     const std::string& description, std::string_view status,
                     std::shared_ptr<ChangeOptions> options) {
  CLI::App* command = incidents.add_subcommand(name, description);
  command->add_option("numbers", options->numbers, "Incident numbers")
      ->required()
      ->check(incident_number_check());
  command->callback(
      [&context, options, status] { context.exit_code = run_change(context, *options, status); });
  return command;
}

}  // namespace

void add_incident_change_commands(CLI::App& incidents, CommandContext& context) {
  add_change(incidents, context, "ack", kAckDescription, "acknowledged",
             std::make_shared<ChangeOptions>());
  auto resolve_options = std::make_shared<ChangeOptions>();
  CLI::App* resolve =
      add_change(incidents, context, "resolve", kResolveDescription, "resolved", resolve_options);
  resolve->add_option("--note", resolve_options->note, "Also add this note to each timeline")
      ->type_name("TEXT");

  CLI::App* note = incidents.add_subcommand("note", kNoteDescription);
  auto number = std::make_shared<std::string>();
  auto text = std::make_shared<std::string>();
  note->add_option("number", *number, "Incident number")
      ->required()
      ->check(incident_number_check());
  note->add_option("text", *text, "The note")->required();
  note->callback(
      [&context, number, text] { context.exit_code = run_note(context, *number, *text); });
}

}  // namespace regen::ctl
