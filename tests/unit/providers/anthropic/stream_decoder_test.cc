#include "providers/anthropic/stream_decoder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/openai/chunk_encoder.h"
#include "canonical_json.h"

namespace sb::providers::anthropic {
namespace {

namespace json = boost::json;
using sb::testing::decode_stream;
using sb::testing::stream_fixtures;

const Codec& codec() {
  return codec_for(Family::kAnthropic);
}

TEST(AnthropicStreamDecoder, DecodesEveryFixture) {
  auto all = stream_fixtures("anthropic/streams");
  ASSERT_GE(all.size(), 7u);
  for (const auto& f : all) {
    SCOPED_TRACE(f.name);
    json::object got = decode_stream(codec(), f.sse);
    EXPECT_EQ(got, f.expected) << "got:      " << json::serialize(got)
                               << "\nexpected: " << json::serialize(f.expected);
  }
}

TEST(AnthropicStreamDecoder, EveryFixtureSplitAtEveryByteDecodesTheSame) {
  for (const auto& f : stream_fixtures("anthropic/streams")) {
    SCOPED_TRACE(f.name);
    for (size_t cut = 1; cut < f.sse.size(); ++cut) {
      json::object got = decode_stream(codec(), f.sse, {cut});
      ASSERT_EQ(got, f.expected) << "split at byte " << cut << ": " << json::serialize(got);
    }
  }
}

TEST(AnthropicStreamDecoder, EveryFixtureFedOneByteAtATimeDecodesTheSame) {
  for (const auto& f : stream_fixtures("anthropic/streams")) {
    SCOPED_TRACE(f.name);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < f.sse.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(decode_stream(codec(), f.sse, cuts), f.expected);
  }
}

TEST(AnthropicStreamDecoder, AnEventLeftWithoutItsBlankLineIsDecodedAtTheEnd) {
  json::object got =
      decode_stream(codec(), "event: message_stop\ndata: {\"type\":\"message_stop\"}");
  EXPECT_TRUE(got.at("finished").as_bool());
}

TEST(AnthropicStreamDecoder, AnErrorEventThatIsNotJsonStillFailsTheStream) {
  json::object got = decode_stream(codec(), "event: error\ndata: upstream exploded\n\n");
  ASSERT_TRUE(got.at("error").is_object());
  EXPECT_EQ(got.at("error").at("code"), "upstream_server_error");
  EXPECT_EQ(got.at("error").at("message"), "upstream reported an error: upstream exploded");
}

TEST(AnthropicStreamDecoder, MessageDeltaMayRepeatTheInputCounts) {
  json::object got = decode_stream(
      codec(),
      "data: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":"
      "{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
      "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":"
      "{\"input_tokens\":10,\"cache_read_input_tokens\":5,\"output_tokens\":7}}\n\n");
  const json::value& usage = got.at("chunks").at(1).at("usage");
  EXPECT_EQ(usage.at("input_tokens"), 15);
  EXPECT_EQ(usage.at("cache_read_tokens"), 5);
  EXPECT_EQ(usage.at("output_tokens"), 7);
}

TEST(AnthropicStreamDecoder, AToolInputSentWholeAtBlockStartIsForwarded) {
  json::object got = decode_stream(
      codec(),
      "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":"
      "\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{\"a\":1}}}\n\n"
      "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
  ASSERT_EQ(got.at("chunks").as_array().size(), 1u);  // no "{}" added at the stop
  EXPECT_EQ(got.at("chunks").at(0).at("tool_calls").at(0).at("arguments"), "{\"a\":1}");
}

TEST(AnthropicStreamDecoder, ThinkingAndItsSignatureReachTheClientStream) {
  std::string sse =
      sb::testing::read_file(sb::testing::testdata("anthropic/streams/thinking_signature.sse"));
  auto decoder = codec().stream_decoder();
  std::vector<api::StreamChunk> chunks;
  ASSERT_TRUE(decoder->feed(sse, chunks).has_value());
  api::openai::ChunkEncoder encoder({.inference_id = "i", .model = "m", .created = 1}, false);
  std::string frames;
  for (const api::StreamChunk& c : chunks) encoder.encode(c, frames);
  std::string reasoning, signature;
  for (size_t at = frames.find("data: "); at != std::string::npos;
       at = frames.find("data: ", at + 1)) {
    size_t end = frames.find("\n\n", at);
    json::value frame = json::parse(frames.substr(at + 6, end - at - 6));
    const json::object& delta = frame.at("choices").at(0).at("delta").as_object();
    if (const json::value* r = delta.if_contains("reasoning_content")) reasoning += r->as_string();
    if (const json::value* s = delta.if_contains("reasoning_signature"))
      signature += s->as_string();
  }
  EXPECT_EQ(
      reasoning,
      "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3");
  EXPECT_EQ(signature, "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...");
}

}  // namespace
}  // namespace sb::providers::anthropic
