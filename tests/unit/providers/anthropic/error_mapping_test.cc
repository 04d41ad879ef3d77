#include "providers/anthropic/error_mapping.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "canonical_json.h"

namespace sb::providers::anthropic {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::read_json;
using sb::testing::stem;

TEST(AnthropicErrorMapping, MapsEveryErrorGolden) {
  auto files = files_in("anthropic/errors", ".json");
  ASSERT_GE(files.size(), 11u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    HeaderList headers;
    for (const json::value& h : golden.at("headers").as_array()) {
      headers.emplace_back(h.as_array()[0].as_string(), h.as_array()[1].as_string());
    }
    std::string body = golden.contains("body") ? json::serialize(golden.at("body"))
                                               : std::string(golden.at("body_text").as_string());
    int status = static_cast<int>(golden.at("status").as_int64());
    Error e = codec_for(Family::kAnthropic).decode_error(status, headers, body);
    const json::object& x = golden.at("expected").as_object();
    EXPECT_EQ(error_code_name(e.code), x.at("code").as_string());
    EXPECT_EQ(e.status, x.at("status").as_int64());
    EXPECT_EQ(e.retry_after_ms, x.at("retry_after_ms").as_int64());
    EXPECT_EQ(e.message, x.at("message").as_string());
  }
}

TEST(AnthropicErrorMapping, EveryDocumentedErrorTypeHasItsStatus) {
  EXPECT_EQ(status_for_error_type("invalid_request_error"), 400);
  EXPECT_EQ(status_for_error_type("authentication_error"), 401);
  EXPECT_EQ(status_for_error_type("billing_error"), 402);
  EXPECT_EQ(status_for_error_type("permission_error"), 403);
  EXPECT_EQ(status_for_error_type("not_found_error"), 404);
  EXPECT_EQ(status_for_error_type("request_too_large"), 413);
  EXPECT_EQ(status_for_error_type("rate_limit_error"), 429);
  EXPECT_EQ(status_for_error_type("api_error"), 500);
  EXPECT_EQ(status_for_error_type("timeout_error"), 504);
  EXPECT_EQ(status_for_error_type("overloaded_error"), 529);
  EXPECT_EQ(status_for_error_type("something_new"), 0);
}

TEST(AnthropicErrorMapping, InStreamErrorsAreClassifiedByType) {
  struct Row {
    std::string_view type, message;
    ErrorCode code;
    int status;
  };
  for (Row row : {Row{"invalid_request_error", "prompt is too long: 300000 tokens > 200000",
                      ErrorCode::kContextLengthExceeded, 400},
                  Row{"invalid_request_error", "bad", ErrorCode::kUpstreamClientError, 400},
                  Row{"rate_limit_error", "slow down", ErrorCode::kUpstreamRateLimited, 429},
                  Row{"api_error", "boom", ErrorCode::kUpstreamServerError, 500},
                  Row{"mystery_error", "?", ErrorCode::kUpstreamServerError, 0}}) {
    SCOPED_TRACE(row.type);
    json::value event = {{"type", "error"},
                         {"error", {{"type", row.type}, {"message", row.message}}}};
    Error e = in_band_error(event);
    EXPECT_EQ(e.code, row.code);
    EXPECT_EQ(e.status, row.status);
    EXPECT_EQ(e.message,
              "upstream reported " + std::string(row.type) + ": " + std::string(row.message));
  }
}

}  // namespace
}  // namespace sb::providers::anthropic
