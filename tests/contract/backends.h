#pragma once
// The storage backends the contract suite runs against, each opened fresh and migrated.

#include <memory>
#include <string>
#include <vector>

#include "regend/storage/store.h"

namespace regen::test {

// "sqlite", "postgres".
const std::vector<std::string>& contract_backends();

// A new, empty, migrated store of that backend (SQLite: a temp file; PostgreSQL: a fresh
// database on the test server). Valid until the returned handle is destroyed.
std::unique_ptr<storage::Store> open_empty_store(const std::string& backend);

}  // namespace regen::test
