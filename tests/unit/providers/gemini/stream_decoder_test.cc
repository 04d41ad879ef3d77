#include "providers/gemini/stream_decoder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "../anthropic/canonical_json.h"

namespace sb::providers::gemini {
namespace {

namespace json = boost::json;
using sb::testing::decode_stream;
using sb::testing::stream_fixtures;

const Codec& codec() {
  return codec_for(Family::kGemini);
}

TEST(GeminiStreamDecoder, DecodesEveryFixture) {
  auto all = stream_fixtures("gemini/streams");
  ASSERT_GE(all.size(), 6u);
  for (const auto& f : all) {
    SCOPED_TRACE(f.name);
    json::object got = decode_stream(codec(), f.sse);
    EXPECT_EQ(got, f.expected) << "got:      " << json::serialize(got)
                               << "\nexpected: " << json::serialize(f.expected);
  }
}

TEST(GeminiStreamDecoder, EveryFixtureSplitAtEveryByteDecodesTheSame) {
  for (const auto& f : stream_fixtures("gemini/streams")) {
    SCOPED_TRACE(f.name);
    for (size_t cut = 1; cut < f.sse.size(); ++cut) {
      json::object got = decode_stream(codec(), f.sse, {cut});
      ASSERT_EQ(got, f.expected) << "split at byte " << cut << ": " << json::serialize(got);
    }
  }
}

TEST(GeminiStreamDecoder, EveryFixtureFedOneByteAtATimeDecodesTheSame) {
  for (const auto& f : stream_fixtures("gemini/streams")) {
    SCOPED_TRACE(f.name);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < f.sse.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(decode_stream(codec(), f.sse, cuts), f.expected);
  }
}

TEST(GeminiStreamDecoder, ALastEventWithoutItsBlankLineIsDecodedAtTheEnd) {
  json::object got =
      decode_stream(codec(),
                    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},"
                    "\"finishReason\":\"STOP\"}]}");
  EXPECT_TRUE(got.at("finished").as_bool());
  EXPECT_EQ(got.at("chunks").at(0).at("finish_reason"), "stop");
}

TEST(GeminiStreamDecoder, AStreamCutBeforeAFinishReasonIsNotFinished) {
  json::object got = decode_stream(
      codec(), "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]}}]}\n\n");
  EXPECT_FALSE(got.at("finished").as_bool());
  EXPECT_TRUE(got.at("error").is_null());
}

}  // namespace
}  // namespace sb::providers::gemini
