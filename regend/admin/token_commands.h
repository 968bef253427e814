#pragma once
// tokens.create, tokens.list, tokens.revoke: API tokens are managed only through the admin
// socket (whoever can reach it administers this daemon). The token itself is in the create
// reply and nowhere else: the store keeps its hash.
//
//   tokens.create {"name","role"}        -> {"token","name","role","created_at"}
//   tokens.list   {"include_revoked"?}   -> {"tokens":[{"name","role","key_id","created_at",
//                                             "last_used_at","revoked_at"}]}
//   tokens.revoke {"name"}               -> {"name","revoked_at"}   (not_found when none)
//
// Store work runs on the store executor, never on the admin socket's thread.

#include <functional>

#include "regend/admin/command_registry.h"
#include "regend/domain/alert.h"
#include "regend/storage/store.h"
#include "regend/storage/store_executor.h"

namespace regen::admin {

struct TokenCommandContext {
  storage::Store* store = nullptr;
  storage::StoreExecutor* executor = nullptr;
  std::function<domain::Timestamp()> clock;
  std::function<void()> on_revoked;  // drops cached tokens, so a revocation applies at once
};

// `context` is copied; what it points to must outlive the registry.
void register_token_commands(CommandRegistry& registry, TokenCommandContext context);

}  // namespace regen::admin
