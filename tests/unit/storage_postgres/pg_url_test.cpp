#include <catch2/catch.hpp>

#include "regend/storage/postgres/pg_backoff.h"
#include "regend/storage/postgres/pg_error.h"
#include "regend/storage/postgres/pg_store.h"
#include "regend/storage/postgres/pg_url.h"

namespace regen::storage {
namespace {

TEST_CASE("postgres url: the password in a URI is masked and the rest kept") {
  CHECK(mask_password("postgres://regen:s3cret@db.example:5432/regen?sslmode=require") ==
        "postgres://regen:***@db.example:5432/regen?sslmode=require");
  CHECK(mask_password("postgresql://u:p%40ss@h1:5432,h2:5433/db") ==
        "postgresql://u:***@h1:5432,h2:5433/db");
}

TEST_CASE("postgres url: a URI without a password is unchanged") {
  CHECK(mask_password("postgres://regen@127.0.0.1:5432/regen") ==
        "postgres://regen@127.0.0.1:5432/regen");
  CHECK(mask_password("postgres://db:5432/regen") == "postgres://db:5432/regen");
  CHECK(mask_password("postgres:///regen?host=/run/postgresql") ==
        "postgres:///regen?host=/run/postgresql");
}

TEST_CASE("postgres url: a password query parameter is masked") {
  CHECK(mask_password("postgres://regen@db/regen?password=hunter2&sslmode=require") ==
        "postgres://regen@db/regen?password=***&sslmode=require");
  CHECK(mask_password("postgres://db/regen?application_name=x&password=hunter2") ==
        "postgres://db/regen?application_name=x&password=***");
}

TEST_CASE("postgres url: the password keyword of a conninfo string is masked") {
  CHECK(mask_password("host=db user=regen password=hunter2 dbname=regen") ==
        "host=db user=regen password=*** dbname=regen");
  CHECK(mask_password("host=db password = 'it\\'s a secret' dbname=regen") ==
        "host=db password = *** dbname=regen");
  CHECK(mask_password("host=db passwordless=1") == "host=db passwordless=1");
}

TEST_CASE("postgres store: location is the URL with its password masked") {
  PgSettings settings;
  settings.url = "postgres://regen:s3cret@127.0.0.1:1/regen";
  PgStore store(settings);
  CHECK(store.backend() == "postgres");
  CHECK(store.location() == "postgres://regen:***@127.0.0.1:1/regen");
}

TEST_CASE("postgres errors: only failures a retry can fix are retryable") {
  for (const char* code :
       {"08006", "08001", "57014", "40001", "40P01", "57P01", "57P03", "53300", "25006", "55P03"}) {
    INFO(code);
    CHECK(is_retryable_sqlstate(code));
  }
  for (const char* code : {"23505", "23503", "42P01", "42601", "22021", "P0001", "23514"}) {
    INFO(code);
    CHECK_FALSE(is_retryable_sqlstate(code));
  }
}

TEST_CASE("postgres pool: reconnect backoff doubles from 100 ms to 5 s and resets on success") {
  using std::chrono::milliseconds;
  ReconnectBackoff backoff;
  const auto t0 = ReconnectBackoff::Clock::time_point() + std::chrono::hours(1);
  CHECK(backoff.remaining(t0) == milliseconds(0));
  const milliseconds expected[] = {milliseconds(100),  milliseconds(200),  milliseconds(400),
                                   milliseconds(800),  milliseconds(1600), milliseconds(3200),
                                   milliseconds(5000), milliseconds(5000)};
  for (milliseconds delay : expected) {
    backoff.failed(t0);
    CHECK(backoff.remaining(t0) == delay);
  }
  CHECK(backoff.remaining(t0 + milliseconds(4999)) == milliseconds(1));
  CHECK(backoff.remaining(t0 + milliseconds(5000)) == milliseconds(0));
  backoff.succeeded();
  CHECK(backoff.remaining(t0) == milliseconds(0));
  backoff.failed(t0);
  CHECK(backoff.remaining(t0) == milliseconds(100));
}

}  // namespace
}  // namespace regen::storage
