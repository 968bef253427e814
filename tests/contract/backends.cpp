#include "tests/contract/backends.h"

#include <stdexcept>

#include "regend/storage/postgres/pg_store.h"
#include "regend/storage/sqlite/sqlite_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace regen::test {
namespace {

// Keeps a backend's temporary resources alive exactly as long as its store.
template <typename Resource>
class OwningStore final : public storage::Store {
 public:
  OwningStore(std::unique_ptr<Resource> resource, std::unique_ptr<storage::Store> store)
      : resource_(std::move(resource)), store_(std::move(store)) {}
  ~OwningStore() override { store_.reset(); }
  std::string_view backend() const override { return store_->backend(); }
  std::string location() const override { return store_->location(); }
  Status migrate() override { return store_->migrate(); }
  Status write(const std::function<Status(storage::WriteTx&)>& body) override {
    return store_->write(body);
  }
  Status read(const std::function<Status(storage::ReadTx&)>& body) override {
    return store_->read(body);
  }
  Status ping() override { return store_->ping(); }

 private:
  std::unique_ptr<Resource> resource_;
  std::unique_ptr<storage::Store> store_;
};

std::unique_ptr<storage::Store> migrated(std::unique_ptr<storage::Store> store) {
  Status status = store->migrate();
  if (!status) throw std::runtime_error("migration failed: " + status.error().message);
  return store;
}

}  // namespace

const std::vector<std::string>& contract_backends() {
  static const std::vector<std::string> kBackends = {"sqlite", "postgres"};
  return kBackends;
}

std::unique_ptr<storage::Store> open_empty_store(const std::string& backend) {
  if (backend == "sqlite") {
    auto dir = std::make_unique<TempDir>();
    auto store = migrated(std::make_unique<storage::SqliteStore>(dir->file("regen.db")));
    return std::make_unique<OwningStore<TempDir>>(std::move(dir), std::move(store));
  }
  if (backend == "postgres") {
    // One server for the whole run (started on first use); a fresh database per store.
    static PostgresServer server;
    storage::PgSettings settings;
    settings.url = server.create_database();
    return migrated(std::make_unique<storage::PgStore>(settings));
  }
  throw std::runtime_error("unknown backend " + backend);
}

}  // namespace regen::test
