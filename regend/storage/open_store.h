#pragma once
// Chooses and opens the configured backend: PostgreSQL when storage.database_url is set,
// otherwise the embedded SQLite file <data_dir>/regen.db.

#include <cstddef>
#include <memory>

#include "common/config.h"
#include "common/result.h"
#include "regend/storage/store.h"

namespace regen::storage {

// Opens the store without migrating it. kInvalidArgument for an unusable URL, kUnavailable
// when the database cannot be opened. `callers`: how many threads may run transactions at
// once; PostgreSQL opens up to that many connections, one each, so none waits for another's.
Result<std::unique_ptr<Store>> open_store(const config::Config& config, std::size_t callers = 1);

// storage.database_url with any password replaced by "***", for logs and status.
std::string redact_url(const std::string& url);

}  // namespace regen::storage
