#include "providers/openai/error_mapping.h"

#include <climits>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "golden.h"
#include "providers/provider.h"

namespace sb::providers::openai {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::read_json;
using sb::testing::stem;
using Clock = std::chrono::system_clock;

TEST(OpenAIErrorMapping, MapsEveryErrorGolden) {
  auto files = files_in("openai/errors", ".json");
  ASSERT_GE(files.size(), 14u);
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
    Error e = codec_for(Family::kOpenAI).decode_error(status, headers, body);
    const json::object& x = golden.at("expected").as_object();
    EXPECT_EQ(error_code_name(e.code), x.at("code").as_string());
    EXPECT_EQ(e.status, x.at("status").as_int64());
    EXPECT_EQ(e.retry_after_ms, x.at("retry_after_ms").as_int64());
    EXPECT_EQ(e.message, x.at("message").as_string());
  }
}

TEST(OpenAIErrorMapping, RetryAfterHttpDateIsRelativeToNow) {
  // 2015-10-21T07:28:00Z
  Clock::time_point date = Clock::from_time_t(1445412480);
  HeaderList headers{{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}};
  EXPECT_EQ(parse_retry_after(headers, date - std::chrono::seconds(90)), 90000);
  EXPECT_EQ(parse_retry_after(headers, date + std::chrono::seconds(5)), 0);  // already past
}

TEST(OpenAIErrorMapping, RetryAfterAcceptsFractionsAndIgnoresGarbage) {
  Clock::time_point now = Clock::now();
  EXPECT_EQ(parse_retry_after({{"retry-after-ms", "250.7"}}, now), 250);
  EXPECT_EQ(parse_retry_after({{"Retry-After", " 1.5 "}}, now), 1500);
  EXPECT_EQ(parse_retry_after({{"Retry-After", "soon"}}, now), std::nullopt);
  EXPECT_EQ(parse_retry_after({{"Retry-After", "-3"}}, now), std::nullopt);
  EXPECT_EQ(parse_retry_after({{"retry-after-ms", "x"}, {"Retry-After", "2"}}, now), 2000);
  EXPECT_EQ(parse_retry_after({}, now), std::nullopt);
  EXPECT_EQ(parse_retry_after({{"Retry-After", "99999999999"}}, now), INT_MAX);
}

TEST(OpenAIErrorMapping, TruncatesLongProviderMessages) {
  std::string long_message(2000, 'x');
  json::object body{{"error", json::object{{"message", long_message}}}};
  Error e = decode_error(500, {}, json::serialize(body));
  std::string prefix = "upstream returned 500: ";
  ASSERT_TRUE(e.message.starts_with(prefix));
  EXPECT_EQ(e.message.size(), prefix.size() + kMaxProviderMessage + 3);
  EXPECT_TRUE(e.message.ends_with("x..."));
}

TEST(OpenAIErrorMapping, TruncationNeverSplitsAUtf8Sequence) {
  std::string message(kMaxProviderMessage - 1, 'a');
  message += "\xC3\xA9\xC3\xA9";  // "éé": the first one straddles the limit
  json::object body{{"error", json::object{{"message", message}}}};
  Error e = decode_error(400, {}, json::serialize(body));
  std::string expected =
      "upstream returned 400: " + std::string(kMaxProviderMessage - 1, 'a') + "...";
  EXPECT_EQ(e.message, expected);
}

TEST(OpenAIErrorMapping, ContextLengthIsNotDetectedOnServerErrors) {
  Error e = decode_error(503, {}, R"({"error":{"message":"maximum context length reached"}})");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamServerError);
  e = decode_error(429, {}, R"({"error":{"message":"context window rate limit"}})");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamRateLimited);
}

TEST(OpenAIErrorMapping, UnknownStatusesAreServerErrors) {
  EXPECT_EQ(decode_error(302, {}, "").code, ErrorCode::kUpstreamServerError);
  EXPECT_EQ(decode_error(504, {}, "").code, ErrorCode::kUpstreamServerError);
  EXPECT_EQ(decode_error(418, {}, "").code, ErrorCode::kUpstreamClientError);
}

TEST(OpenAIErrorMapping, NonErrorJsonKeepsTheBodyText) {
  Error e = decode_error(500, {}, R"({"unexpected":true})");
  EXPECT_EQ(e.message, R"(upstream returned 500: {"unexpected":true})");
}

}  // namespace
}  // namespace sb::providers::openai
