#include "regend/admin/token_commands.h"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>

#include <memory>

#include "regend/domain/api_token.h"
#include "regend/ingest/timestamps.h"

namespace regen::admin {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxNameLength = 64;

json::value time_json(const std::optional<domain::Timestamp>& at) {
  return at ? json::value(ingest::format_rfc3339(*at)) : json::value(nullptr);
}

// Names appear in timeline entries as the actor and in tables: keep them plain.
std::optional<std::string> check_name(const json::object& args) {
  const json::value* name = args.if_contains("name");
  if (name == nullptr || !name->is_string()) return "name is required (a string)";
  std::string_view text = name->get_string();
  if (text.empty() || text.size() > kMaxNameLength ||
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
          std::string_view::npos) {
    return "name must be 1 to 64 characters of letters, digits, '.', '_' or '-'";
  }
  return std::nullopt;
}

Response store_failure(const Error& error) {
  if (error.code == ErrorCode::kUnavailable) {
    return Response::failure(kErrUnavailable, "storage unavailable: " + error.message);
  }
  if (error.code == ErrorCode::kConflict) return Response::failure(kErrConflict, error.message);
  if (error.code == ErrorCode::kNotFound) return Response::failure(kErrNotFound, error.message);
  spdlog::error("admin token command: {}", error.message);
  return Response::failure(kErrFailed, error.message);
}

// Runs `work` on the executor and replies with what it returns; "busy" when the queue is full.
void on_executor(const TokenCommandContext& context, Reply reply, std::function<Response()> work) {
  auto shared = std::make_shared<Reply>(std::move(reply));
  bool posted = context.executor->post([shared, work = std::move(work)] { (*shared)(work()); });
  if (!posted) (*shared)(Response::failure(kErrBusy, "regend is busy; retry shortly"));
}

void run_create(const TokenCommandContext& context, const json::object& args, Reply reply) {
  if (auto bad = unknown_argument(args, {"name", "role"})) {
    return reply(Response::failure(kErrInvalidArgs, *bad));
  }
  if (auto bad = check_name(args)) return reply(Response::failure(kErrInvalidArgs, *bad));
  const json::value* role_value = args.if_contains("role");
  std::optional<domain::Role> role;
  if (role_value != nullptr && role_value->is_string()) {
    role = domain::parse_role(role_value->get_string());
  }
  if (!role) {
    return reply(Response::failure(kErrInvalidArgs, "role must be viewer, responder or admin"));
  }
  std::string name(args.at("name").get_string());
  on_executor(context, std::move(reply), [context, name, role = *role]() {
    domain::GeneratedToken generated = domain::generate_token();
    storage::TokenRow row;
    row.key_id = generated.key_id;
    row.name = name;
    row.role = role;
    row.secret_hash = generated.secret_hash;
    row.created_at = context.clock();
    Status status = context.store->write([&](storage::WriteTx& tx) -> Status {
      row.id = tx.insert_token(row);
      return {};
    });
    if (!status) {
      if (status.error().code == ErrorCode::kConflict) {
        return Response::failure(kErrConflict, "a token named \"" + name +
                                                   "\" exists; revoke it first or pick "
                                                   "another name");
      }
      return store_failure(status.error());
    }
    spdlog::info("API token \"{}\" created with role {}", name, to_string(role));
    return Response::success(json::object{{"token", generated.token},
                                          {"name", name},
                                          {"role", to_string(role)},
                                          {"key_id", generated.key_id},
                                          {"created_at", time_json(row.created_at)}});
  });
}

void run_list(const TokenCommandContext& context, const json::object& args, Reply reply) {
  if (auto bad = unknown_argument(args, {"include_revoked"})) {
    return reply(Response::failure(kErrInvalidArgs, *bad));
  }
  bool include_revoked = false;
  if (const json::value* value = args.if_contains("include_revoked")) {
    if (!value->is_bool()) {
      return reply(Response::failure(kErrInvalidArgs, "include_revoked must be true or false"));
    }
    include_revoked = value->get_bool();
  }
  on_executor(context, std::move(reply), [context, include_revoked]() {
    std::vector<storage::TokenRow> rows;
    Status status = context.store->read([&](storage::ReadTx& tx) -> Status {
      rows = tx.list_tokens(include_revoked);
      return {};
    });
    if (!status) return store_failure(status.error());
    json::array tokens;
    for (const storage::TokenRow& row : rows) {
      tokens.push_back(json::object{{"name", row.name},
                                    {"role", to_string(row.role)},
                                    {"key_id", row.key_id},
                                    {"created_at", time_json(row.created_at)},
                                    {"last_used_at", time_json(row.last_used_at)},
                                    {"revoked_at", time_json(row.revoked_at)}});
    }
    return Response::success(json::object{{"tokens", std::move(tokens)}});
  });
}

void run_revoke(const TokenCommandContext& context, const json::object& args, Reply reply) {
  if (auto bad = unknown_argument(args, {"name"})) {
    return reply(Response::failure(kErrInvalidArgs, *bad));
  }
  if (auto bad = check_name(args)) return reply(Response::failure(kErrInvalidArgs, *bad));
  std::string name(args.at("name").get_string());
  on_executor(context, std::move(reply), [context, name]() {
    const domain::Timestamp now = context.clock();
    bool revoked = false;
    Status status = context.store->write([&](storage::WriteTx& tx) -> Status {
      revoked = tx.revoke_token(name, now);
      return {};
    });
    if (!status) return store_failure(status.error());
    if (!revoked) {
      return Response::failure(kErrNotFound, "no active token named \"" + name + "\"");
    }
    if (context.on_revoked) context.on_revoked();
    spdlog::info("API token \"{}\" revoked", name);
    return Response::success(json::object{{"name", name}, {"revoked_at", time_json(now)}});
  });
}

}  // namespace

void register_token_commands(CommandRegistry& registry, TokenCommandContext context) {
  registry.add({"tokens.create", "Create an API token; the reply holds it, shown only this once",
                "name: string; role: viewer|responder|admin",
                [context](const json::object& args, Reply reply) {
                  run_create(context, args, std::move(reply));
                }});
  registry.add({"tokens.list", "List API tokens (never the tokens themselves)",
                "include_revoked: boolean, optional",
                [context](const json::object& args, Reply reply) {
                  run_list(context, args, std::move(reply));
                }});
  registry.add({"tokens.revoke", "Revoke the active API token with this name", "name: string",
                [context](const json::object& args, Reply reply) {
                  run_revoke(context, args, std::move(reply));
                }});
}

}  // namespace regen::admin
