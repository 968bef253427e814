#pragma once
// What the contract cases that call the store's primitives directly share: a fresh store of one
// backend, transactions that hand back what their body returns, and rows to seed.

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "regend/storage/store.h"
#include "tests/contract/backends.h"

namespace regen::test {

inline domain::Timestamp at_ms(int64_t ms) {
  return domain::Timestamp(std::chrono::milliseconds(ms));
}

class StoreFixture {
 public:
  explicit StoreFixture(const std::string& backend) : store_(open_empty_store(backend)) {}

  // Runs `body` in one write / read transaction, REQUIREs it to commit, and returns what the
  // body returned.
  template <typename F>
  auto write(F body) {
    return run<storage::WriteTx>(body, [&](const auto& tx_body) { return store_->write(tx_body); });
  }
  template <typename F>
  auto read(F body) {
    return run<storage::ReadTx>(body, [&](const auto& tx_body) { return store_->read(tx_body); });
  }

  storage::Store& store() { return *store_; }

 private:
  template <typename Tx, typename F, typename Run>
  auto run(F& body, Run run_transaction) {
    using Value = std::invoke_result_t<F, Tx&>;
    if constexpr (std::is_void_v<Value>) {
      Status status = run_transaction([&](Tx& tx) {
        body(tx);
        return Status{};
      });
      INFO((status ? "" : status.error().message));
      REQUIRE(status.ok());
    } else {
      Value value{};
      Status status = run_transaction([&](Tx& tx) {
        value = body(tx);
        return Status{};
      });
      INFO((status ? "" : status.error().message));
      REQUIRE(status.ok());
      return value;
    }
  }

  std::unique_ptr<storage::Store> store_;
};

inline storage::IncidentRow incident_row(std::string title, domain::Severity severity,
                                         domain::IncidentStatus status, int64_t created_ms) {
  storage::IncidentRow row;
  row.title = std::move(title);
  row.severity = severity;
  row.status = status;
  row.created_at = at_ms(created_ms);
  row.updated_at = at_ms(created_ms);
  return row;
}

inline storage::AlertRow alert_row(std::string source, std::string external_id,
                                   domain::AlertStatus status, domain::Severity severity,
                                   int64_t received_ms) {
  storage::AlertRow row;
  row.alert.source = std::move(source);
  row.alert.external_id = std::move(external_id);
  row.alert.title = row.alert.external_id;
  row.alert.status = status;
  row.alert.severity = severity;
  row.alert.raw = "{}";
  row.received_at = at_ms(received_ms);
  row.updated_at = at_ms(received_ms);
  return row;
}

template <typename Row>
std::vector<int64_t> ids(const std::vector<Row>& rows) {
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const Row& row : rows) out.push_back(row.id);
  return out;
}

}  // namespace regen::test
