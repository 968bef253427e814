#pragma once
// Helpers for the ingest tests: fixtures from tests/data, requests with headers, and the two
// outcomes of a parse.

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "regend/domain/alert.h"
#include "regend/ingest/provider.h"

namespace regen::ingest::testing {

// The contents of tests/data/<relative>; fails the test when it cannot be read.
std::string read_fixture(std::string_view relative);

// A request whose header lookup is case-insensitive, like the HTTP layer's. `body` and
// `headers` must outlive the request.
WebhookRequest make_request(const std::string& body,
                            const std::map<std::string, std::string>& headers = {});

// Parses and REQUIREs success / failure.
ParsedWebhook parse_ok(const Provider& provider, const std::string& body,
                       const std::map<std::string, std::string>& headers = {});
Error parse_error(const Provider& provider, const std::string& body,
                  const std::map<std::string, std::string>& headers = {});

// An instant written out field by field, independent of the parser under test.
domain::Timestamp utc(int year, unsigned month, unsigned day, int hour, int minute, int second,
                      int millis = 0);

// `text` repeated `count` times.
std::string repeat(std::string_view text, std::size_t count);

}  // namespace regen::ingest::testing
