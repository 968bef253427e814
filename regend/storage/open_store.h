#pragma once
// Chooses and opens the configured backend: PostgreSQL when storage.database_url is set,
// otherwise the embedded SQLite file <data_dir>/regen.db.

#include <memory>

#include "common/config.h"
#include "common/result.h"
#include "regend/storage/store.h"

namespace regen::storage {

// Opens the store without migrating it. kInvalidArgument for an unusable URL, kUnavailable
// when the database cannot be opened.
Result<std::unique_ptr<Store>> open_store(const config::Config& config);

// storage.database_url with any password replaced by "***", for logs and status.
std::string redact_url(const std::string& url);

}  // namespace regen::storage
