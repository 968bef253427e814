// The storage contract for what the API changes, on every backend: acknowledging alerts, rule
// rows (list, find, update, delete, each change bumping the rules version) and API tokens.

#include <catch2/catch.hpp>

#include "regend/domain/ingestion.h"
#include "tests/contract/store_fixture.h"

namespace regen::test {
namespace {

using domain::AlertStatus;
using domain::Severity;
using storage::ReadTx;
using storage::WriteTx;

domain::RoutingRuleRecord routing(std::string name, int64_t priority, bool enabled) {
  domain::RoutingRuleRecord rule;
  rule.name = std::move(name);
  rule.priority = priority;
  rule.enabled = enabled;
  rule.match_json = R"({"labels":[{"key":"team","op":"equals","value":"db"}]})";
  rule.actions_json = R"({"suppress":true})";
  return rule;
}

domain::GroupingRuleRecord grouping(std::string name, int64_t priority, bool enabled) {
  domain::GroupingRuleRecord rule;
  rule.name = std::move(name);
  rule.priority = priority;
  rule.enabled = enabled;
  rule.match_json = "{}";
  rule.group_by_json = R"(["team"])";
  rule.window_s = 600;
  return rule;
}

storage::TokenRow token(std::string key_id, std::string name, int64_t created_ms) {
  storage::TokenRow row;
  row.key_id = std::move(key_id);
  row.name = std::move(name);
  row.role = domain::Role::kResponder;
  row.secret_hash = std::string(64, 'a');
  row.created_at = at_ms(created_ms);
  return row;
}

int64_t version(StoreFixture& f) {
  return f.read([](ReadTx& tx) { return tx.rules_version(); });
}

}  // namespace

TEST_CASE("contract: an alert is acknowledged once, and ingestion keeps the acknowledgement") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const domain::Timestamp now = at_ms(1'800'000'000'000);
      domain::NormalizedAlert firing;
      firing.source = "prometheus";
      firing.external_id = "a1";
      firing.title = "DiskFull";
      firing.status = AlertStatus::kFiring;
      firing.labels = {{"alertname", "DiskFull"}};
      firing.raw = "{}";
      auto ingest = [&](const domain::NormalizedAlert& alert, domain::Timestamp at) {
        f.write([&](WriteTx& tx) {
          domain::apply(tx, tx.load_rules(), {"prometheus", {alert}, std::nullopt}, at, {});
        });
      };
      ingest(firing, now);
      const int64_t id = f.read([](ReadTx& tx) { return tx.find_alert("prometheus", "a1")->id; });
      CHECK_FALSE(f.read([&](ReadTx& tx) { return tx.find_alert_by_id(id)->acknowledged_at; }));

      CHECK(f.write(
          [&](WriteTx& tx) { return tx.acknowledge_alert(id, now + std::chrono::seconds(5)); }));
      CHECK_FALSE(f.write(
          [&](WriteTx& tx) { return tx.acknowledge_alert(id, now + std::chrono::seconds(9)); }));
      CHECK_FALSE(f.write([&](WriteTx& tx) { return tx.acknowledge_alert(id + 100, now); }));

      domain::NormalizedAlert changed = firing;
      changed.description = "now 99% full";
      ingest(changed, now + std::chrono::seconds(20));
      auto row = f.read([&](ReadTx& tx) { return tx.find_alert_by_id(id); });
      REQUIRE(row);
      CHECK(row->alert.description == "now 99% full");  // ingestion did update the row
      CHECK(row->acknowledged_at == now + std::chrono::seconds(5));
      auto listed = f.read([](ReadTx& tx) { return tx.list_alerts({}, {}); });
      REQUIRE(listed.rows.size() == 1);
      CHECK(listed.rows[0].acknowledged_at == now + std::chrono::seconds(5));
      CHECK(f.read([](ReadTx& tx) { return tx.find_alert("prometheus", "a1")->acknowledged_at; }) ==
            now + std::chrono::seconds(5));
      CHECK_FALSE(f.read([&](ReadTx& tx) { return tx.find_alert_by_id(id + 100); }));
    }
  }
}

TEST_CASE("contract: routing rules list by priority, update and delete, bumping the version") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const int64_t v0 = version(f);
      auto [late, off, early] = f.write([](WriteTx& tx) {
        return std::tuple{tx.insert_routing_rule(routing("late", 20, true), at_ms(1000)),
                          tx.insert_routing_rule(routing("off", 10, false), at_ms(1000)),
                          tx.insert_routing_rule(routing("early", 10, true), at_ms(1000))};
      });
      CHECK(version(f) == v0 + 3);
      auto listed = f.read([](ReadTx& tx) { return tx.list_routing_rules(); });
      CHECK(ids(listed) == std::vector<int64_t>{off, early, late});  // disabled ones included
      CHECK(listed[0].record.name == "off");
      CHECK_FALSE(listed[0].record.enabled);
      CHECK(f.read([](ReadTx& tx) { return tx.load_rules().routing.size(); }) == 2);

      auto found = f.read([&](ReadTx& tx) { return tx.find_routing_rule(late); });
      REQUIRE(found);
      CHECK(found->record.name == "late");
      CHECK(found->record.priority == 20);
      CHECK(found->record.match_json == routing("", 0, true).match_json);
      CHECK(found->record.actions_json == R"({"suppress":true})");
      CHECK(found->created_at == at_ms(1000));
      CHECK(found->updated_at == at_ms(1000));

      domain::RoutingRuleRecord changed = routing("first now", 1, false);
      changed.actions_json = R"({"severity":"critical"})";
      CHECK(
          f.write([&](WriteTx& tx) { return tx.update_routing_rule(late, changed, at_ms(2000)); }));
      CHECK(version(f) == v0 + 4);
      auto updated = f.read([&](ReadTx& tx) { return tx.find_routing_rule(late); });
      REQUIRE(updated);
      CHECK(updated->record.name == "first now");
      CHECK(updated->record.priority == 1);
      CHECK_FALSE(updated->record.enabled);
      CHECK(updated->record.actions_json == R"({"severity":"critical"})");
      CHECK(updated->created_at == at_ms(1000));
      CHECK(updated->updated_at == at_ms(2000));
      CHECK(ids(f.read([](ReadTx& tx) { return tx.list_routing_rules(); })) ==
            std::vector<int64_t>{late, off, early});

      CHECK(f.write([&](WriteTx& tx) { return tx.delete_routing_rule(off, at_ms(3000)); }));
      CHECK(version(f) == v0 + 5);
      CHECK_FALSE(f.read([&](ReadTx& tx) { return tx.find_routing_rule(off); }));

      const int64_t unknown = late + off + early;
      CHECK_FALSE(f.write(
          [&](WriteTx& tx) { return tx.update_routing_rule(unknown, changed, at_ms(4000)); }));
      CHECK_FALSE(
          f.write([&](WriteTx& tx) { return tx.delete_routing_rule(unknown, at_ms(4000)); }));
      CHECK_FALSE(f.write([&](WriteTx& tx) { return tx.delete_routing_rule(off, at_ms(4000)); }));
      CHECK(version(f) == v0 + 5);
    }
  }
}

TEST_CASE("contract: grouping rules list by priority, update and delete, bumping the version") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const int64_t v0 = version(f);
      auto seeded = f.read([](ReadTx& tx) { return tx.list_grouping_rules(); });
      REQUIRE(seeded.size() == 1);  // the migration's default, priority 1000
      const int64_t seeded_id = seeded[0].id;
      CHECK(seeded[0].record.window_s == 300);

      auto [off, on] = f.write([](WriteTx& tx) {
        return std::pair{tx.insert_grouping_rule(grouping("off", 10, false), at_ms(1000)),
                         tx.insert_grouping_rule(grouping("on", 10, true), at_ms(1000))};
      });
      CHECK(version(f) == v0 + 2);
      CHECK(ids(f.read([](ReadTx& tx) { return tx.list_grouping_rules(); })) ==
            std::vector<int64_t>{off, on, seeded_id});

      domain::GroupingRuleRecord changed = grouping("wider", 2000, true);
      changed.window_s = 900;
      changed.group_by_json = R"(["team","region"])";
      CHECK(
          f.write([&](WriteTx& tx) { return tx.update_grouping_rule(on, changed, at_ms(2000)); }));
      CHECK(version(f) == v0 + 3);
      auto updated = f.read([&](ReadTx& tx) { return tx.find_grouping_rule(on); });
      REQUIRE(updated);
      CHECK(updated->record.name == "wider");
      CHECK(updated->record.priority == 2000);
      CHECK(updated->record.window_s == 900);
      CHECK(updated->record.group_by_json == R"(["team","region"])");
      CHECK(updated->created_at == at_ms(1000));
      CHECK(updated->updated_at == at_ms(2000));
      CHECK(ids(f.read([](ReadTx& tx) { return tx.list_grouping_rules(); })) ==
            std::vector<int64_t>{off, seeded_id, on});

      CHECK(f.write([&](WriteTx& tx) { return tx.delete_grouping_rule(seeded_id, at_ms(3000)); }));
      CHECK(version(f) == v0 + 4);
      CHECK(f.read([](ReadTx& tx) { return tx.load_rules().grouping.size(); }) == 1);

      CHECK_FALSE(f.write(
          [&](WriteTx& tx) { return tx.update_grouping_rule(seeded_id, changed, at_ms(4000)); }));
      CHECK_FALSE(
          f.write([&](WriteTx& tx) { return tx.delete_grouping_rule(seeded_id, at_ms(4000)); }));
      CHECK(version(f) == v0 + 4);
    }
  }
}

TEST_CASE("contract: a token name is unique among tokens not revoked, and reusable after revoke") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const int64_t first =
          f.write([](WriteTx& tx) { return tx.insert_token(token("k1", "ci", 1000)); });
      CHECK(first > 0);

      Status duplicate = f.store().write([](WriteTx& tx) {
        tx.insert_token(token("k2", "ci", 2000));
        return Status{};
      });
      REQUIRE_FALSE(duplicate.ok());
      CHECK(duplicate.error().code == ErrorCode::kConflict);
      CHECK_FALSE(f.read([](ReadTx& tx) { return tx.find_token("k2"); }));

      CHECK(f.write([](WriteTx& tx) { return tx.revoke_token("ci", at_ms(3000)); }));
      CHECK_FALSE(f.write([](WriteTx& tx) { return tx.revoke_token("ci", at_ms(3500)); }));
      CHECK_FALSE(f.write([](WriteTx& tx) { return tx.revoke_token("nobody", at_ms(3500)); }));
      const int64_t second =
          f.write([](WriteTx& tx) { return tx.insert_token(token("k3", "ci", 4000)); });
      CHECK(second != first);

      auto revoked = f.read([](ReadTx& tx) { return tx.find_token("k1"); });
      REQUIRE(revoked);
      CHECK(revoked->id == first);
      CHECK(revoked->name == "ci");
      CHECK(revoked->role == domain::Role::kResponder);
      CHECK(revoked->secret_hash == std::string(64, 'a'));
      CHECK(revoked->created_at == at_ms(1000));
      CHECK(revoked->revoked_at == at_ms(3000));
      CHECK_FALSE(revoked->last_used_at);
      CHECK_FALSE(f.read([](ReadTx& tx) { return tx.find_token("unknown"); }));
    }
  }
}

TEST_CASE("contract: tokens list oldest first, revoked ones on request, and record their use") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      auto [admin, ci, old] = f.write([](WriteTx& tx) {
        storage::TokenRow admin_token = token("k1", "admin", 3000);
        admin_token.role = domain::Role::kAdmin;
        return std::tuple{tx.insert_token(admin_token), tx.insert_token(token("k2", "ci", 1000)),
                          tx.insert_token(token("k3", "old", 2000))};
      });
      f.write([&](WriteTx& tx) { CHECK(tx.revoke_token("old", at_ms(5000))); });
      CHECK(ids(f.read([](ReadTx& tx) { return tx.list_tokens(false); })) ==
            std::vector<int64_t>{ci, admin});
      auto all = f.read([](ReadTx& tx) { return tx.list_tokens(true); });
      CHECK(ids(all) == std::vector<int64_t>{ci, old, admin});
      REQUIRE(all.size() == 3);
      CHECK(all[2].role == domain::Role::kAdmin);
      CHECK(all[1].revoked_at == at_ms(5000));

      f.write([&](WriteTx& tx) { tx.touch_token(ci, at_ms(6000)); });
      CHECK(f.read([](ReadTx& tx) { return tx.find_token("k2"); })->last_used_at == at_ms(6000));
      f.write([&](WriteTx& tx) { tx.touch_token(ci, at_ms(7000)); });
      CHECK(f.read([](ReadTx& tx) { return tx.find_token("k2"); })->last_used_at == at_ms(7000));
      CHECK_FALSE(f.read([](ReadTx& tx) { return tx.find_token("k1"); })->last_used_at);
    }
  }
}

}  // namespace regen::test
