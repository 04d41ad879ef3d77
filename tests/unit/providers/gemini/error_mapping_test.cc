#include "providers/gemini/error_mapping.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "../anthropic/canonical_json.h"

namespace sb::providers::gemini {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::read_json;
using sb::testing::stem;

TEST(GeminiErrorMapping, MapsEveryErrorGolden) {
  auto files = files_in("gemini/errors", ".json");
  ASSERT_GE(files.size(), 9u);
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
    Error e = codec_for(Family::kGemini).decode_error(status, headers, body);
    const json::object& x = golden.at("expected").as_object();
    EXPECT_EQ(error_code_name(e.code), x.at("code").as_string());
    EXPECT_EQ(e.status, x.at("status").as_int64());
    EXPECT_EQ(e.retry_after_ms, x.at("retry_after_ms").as_int64());
    EXPECT_EQ(e.message, x.at("message").as_string());
  }
}

TEST(GeminiErrorMapping, RetryDelayAcceptsFractionsAndIgnoresGarbage) {
  auto delay = [](std::string_view d) {
    json::object error{
        {"details", json::array{json::object{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                                             {"retryDelay", d}}}}};
    return retry_delay_ms(error);
  };
  EXPECT_EQ(delay("37s"), 37000);
  EXPECT_EQ(delay("0.25s"), 250);
  EXPECT_EQ(delay("soon"), std::nullopt);
  EXPECT_EQ(delay("-1s"), std::nullopt);
  EXPECT_EQ(delay("5"), std::nullopt);
  EXPECT_EQ(retry_delay_ms(json::object{}), std::nullopt);
}

}  // namespace
}  // namespace sb::providers::gemini
