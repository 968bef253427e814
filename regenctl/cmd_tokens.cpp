#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <iostream>
#include <memory>

#include "regenctl/admin_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"
#include "regenctl/views.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Create, list and revoke API tokens, over the admin socket. Only those who can reach the "
    "socket (the daemon's operators) can mint tokens. "
    "A token's role decides what it may do: viewer reads, responder also creates, acknowledges, "
    "resolves and annotates incidents, admin also edits rules.";

constexpr const char kCreateDescription[] =
    "Create a token and print it. The daemon keeps only its hash: the token is shown this once. "
    "With -o json, prints {\"token\",\"name\",\"role\",\"created_at\"}.";

constexpr const char kListDescription[] =
    "List tokens: name, role, created, last used (--all adds revoked tokens and a REVOKED "
    "column). Never shows the tokens themselves.";

constexpr const char kRevokeDescription[] =
    "Revoke the active token named NAME; requests bearing it are refused from then on. Exits 6 "
    "when no active token has that name.";

struct CreateOptions {
  std::string name;
  std::string role;
};

int run_create(const CommandContext& context, const CreateOptions& options) {
  const admin::Request request{"tokens.create",
                               json::object{{"name", options.name}, {"role", options.role}}};
  return run_command(context.globals, request, context.globals.timeout(),
                     [&](const json::value& data) {
                       if (context.globals.json()) {
                         print_json(data);
                       } else {
                         std::cout << render_token_created(data);
                       }
                       return kExitOk;
                     });
}

int run_list(const CommandContext& context, bool all) {
  const admin::Request request{"tokens.list", json::object{{"include_revoked", all}}};
  return run_command(context.globals, request, context.globals.timeout(),
                     [&](const json::value& data) {
                       if (context.globals.json()) {
                         print_json(data);
                       } else {
                         std::cout << render_token_list(data, all);
                       }
                       return kExitOk;
                     });
}

int run_revoke(const CommandContext& context, const std::string& name) {
  const admin::Request request{"tokens.revoke", json::object{{"name", name}}};
  return run_command(
      context.globals, request, context.globals.timeout(), [&](const json::value& data) {
        if (context.globals.json()) {
          print_json(data);
        } else {
          std::cout << "revoked token '" << cell_text(find_member(data, {"name"})) << "'\n";
        }
        return kExitOk;
      });
}

}  // namespace

void add_tokens_command(CLI::App& app, CommandContext& context) {
  CLI::App* tokens = app.add_subcommand("tokens", kDescription);
  tokens->require_subcommand(1);

  CLI::App* create = tokens->add_subcommand("create", kCreateDescription);
  auto create_options = std::make_shared<CreateOptions>();
  create->add_option("--name", create_options->name, "A name to know the token by")
      ->required()
      ->type_name("NAME");
  create->add_option("--role", create_options->role, "viewer, responder or admin")
      ->required()
      ->type_name("ROLE")
      ->check(CLI::IsMember({"viewer", "responder", "admin"}));
  create->callback(
      [&context, create_options] { context.exit_code = run_create(context, *create_options); });

  CLI::App* list = tokens->add_subcommand("ls", kListDescription);
  list->alias("list");
  auto all = std::make_shared<bool>(false);
  list->add_flag("--all", *all, "Include revoked tokens");
  list->callback([&context, all] { context.exit_code = run_list(context, *all); });

  CLI::App* revoke = tokens->add_subcommand("revoke", kRevokeDescription);
  auto name = std::make_shared<std::string>();
  revoke->add_option("name", *name, "The token's name")->required()->type_name("NAME");
  revoke->callback([&context, name] { context.exit_code = run_revoke(context, *name); });
}

}  // namespace regen::ctl
