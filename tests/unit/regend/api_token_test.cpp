// API tokens: the format, hashing, role order and the bearer header.

#include <catch2/catch.hpp>

#include "regend/api/token_auth.h"
#include "regend/domain/api_token.h"
#include "regend/domain/incident.h"

namespace regen {
namespace {

using domain::Role;

TEST_CASE("api token: a generated token carries its key id and hashes to the stored hash") {
  domain::GeneratedToken generated = domain::generate_token();
  CHECK(generated.token.starts_with("rgn_" + generated.key_id + "_"));
  CHECK(generated.token.size() == 4 + 12 + 1 + 64);
  CHECK(domain::token_key_id(generated.token) == generated.key_id);
  CHECK(generated.secret_hash == domain::hash_token(generated.token));
  CHECK(generated.secret_hash.find(generated.token) == std::string::npos);
  CHECK(domain::token_matches(generated.token, generated.secret_hash));
}

TEST_CASE("api token: two tokens never share a key id or a secret") {
  domain::GeneratedToken a = domain::generate_token();
  domain::GeneratedToken b = domain::generate_token();
  CHECK(a.key_id != b.key_id);
  CHECK(a.token != b.token);
}

TEST_CASE("api token: a token differing in one character does not match") {
  domain::GeneratedToken generated = domain::generate_token();
  std::string altered = generated.token;
  altered.back() = altered.back() == 'a' ? 'b' : 'a';
  CHECK_FALSE(domain::token_matches(altered, generated.secret_hash));
  CHECK_FALSE(domain::token_matches("", generated.secret_hash));
}

TEST_CASE("api token: malformed tokens have no key id") {
  domain::GeneratedToken generated = domain::generate_token();
  CHECK_FALSE(domain::token_key_id(""));
  CHECK_FALSE(domain::token_key_id("rgn_"));
  CHECK_FALSE(domain::token_key_id(generated.token.substr(1)));
  CHECK_FALSE(domain::token_key_id(generated.token + "0"));
  std::string upper = generated.token;
  upper[5] = 'G';
  CHECK_FALSE(domain::token_key_id(upper));
}

TEST_CASE("api token: roles are ordered viewer < responder < admin") {
  CHECK(domain::role_allows(Role::kAdmin, Role::kResponder));
  CHECK(domain::role_allows(Role::kResponder, Role::kResponder));
  CHECK_FALSE(domain::role_allows(Role::kViewer, Role::kResponder));
  CHECK_FALSE(domain::role_allows(Role::kResponder, Role::kAdmin));
  for (Role role : {Role::kViewer, Role::kResponder, Role::kAdmin}) {
    CHECK(domain::parse_role(domain::to_string(role)) == role);
  }
  CHECK_FALSE(domain::parse_role("root"));
}

TEST_CASE("api token: the bearer scheme is case-insensitive and anything else is no token") {
  CHECK(api::bearer_token("Bearer abc") == "abc");
  CHECK(api::bearer_token("bearer  abc ") == "abc");
  CHECK(api::bearer_token("BEARER abc") == "abc");
  CHECK(api::bearer_token("Basic YWJj").empty());
  CHECK(api::bearer_token("Bearer").empty());
  CHECK(api::bearer_token("").empty());
}

TEST_CASE("incident lifecycle: the allowed transitions") {
  using domain::IncidentStatus;
  CHECK(domain::allowed_transitions(IncidentStatus::kTriggered) ==
        std::vector<IncidentStatus>{IncidentStatus::kAcknowledged, IncidentStatus::kResolved,
                                    IncidentStatus::kCanceled});
  CHECK(domain::allowed_transitions(IncidentStatus::kAcknowledged) ==
        std::vector<IncidentStatus>{IncidentStatus::kResolved});
  CHECK(domain::allowed_transitions(IncidentStatus::kResolved).empty());
  CHECK(domain::allowed_transitions(IncidentStatus::kCanceled).empty());
}

}  // namespace
}  // namespace regen
