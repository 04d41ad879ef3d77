#include "api/openai/chunk_encoder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sb::api::openai {
namespace {

namespace json = boost::json;

ResponseMeta meta() {
  return ResponseMeta{
      .inference_id = "inf-1", .episode_id = "ep-1", .model = "fallback", .created = 1700000000};
}

// Splits SSE output into the JSON values of its `data:` frames; "[DONE]" becomes the string.
std::vector<json::value> frames(const std::string& out) {
  std::vector<json::value> v;
  size_t at = 0;
  while (at < out.size()) {
    size_t end = out.find("\n\n", at);
    EXPECT_NE(end, std::string::npos) << "unterminated frame: " << out.substr(at);
    if (end == std::string::npos) break;
    std::string_view frame(out.data() + at, end - at);
    EXPECT_TRUE(frame.starts_with("data: ")) << frame;
    frame.remove_prefix(6);
    v.push_back(frame == "[DONE]" ? json::value("[DONE]") : json::parse(frame));
    at = end + 2;
  }
  return v;
}

StreamChunk text(std::string t, std::string model = "") {
  StreamChunk c;
  c.text = std::move(t);
  c.model = std::move(model);
  return c;
}

TEST(OpenAIChunkEncoder, FirstFrameCarriesRoleAndEveryFrameSharesIdCreatedModel) {
  ChunkEncoder enc(meta(), false);
  std::string out;
  enc.encode(text("Hel", "gpt-4o-2024-08-06"), out);
  enc.encode(text("lo", "something-else"), out);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], json::parse(R"({"id":"chatcmpl-inf-1","object":"chat.completion.chunk",
      "created":1700000000,"model":"gpt-4o-2024-08-06","system_fingerprint":"","episode_id":"ep-1",
      "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"logprobs":null,"finish_reason":null}]})"));
  EXPECT_EQ(f[1].at("choices").at(0).at("delta"), json::parse(R"({"content":"lo"})"));
  for (const auto& x : f) {
    EXPECT_EQ(x.at("id"), "chatcmpl-inf-1");
    EXPECT_EQ(x.at("created"), 1700000000);
    EXPECT_EQ(x.at("model"), "gpt-4o-2024-08-06");  // the first upstream-reported model, kept
  }
  EXPECT_EQ(enc.model(), "gpt-4o-2024-08-06");
}

TEST(OpenAIChunkEncoder, ModelFallsBackToMetaWhenUpstreamNamesNone) {
  ChunkEncoder enc(meta(), false);
  std::string out;
  enc.encode(text("a"), out);
  enc.encode(text("b", "late-model"), out);
  auto f = frames(out);
  EXPECT_EQ(f[0].at("model"), "fallback");
  EXPECT_EQ(f[1].at("model"), "fallback");
}

TEST(OpenAIChunkEncoder, RemembersTheModelOfAChunkWithNothingToSend) {
  ChunkEncoder enc(meta(), false);
  std::string out;
  StreamChunk empty;
  empty.model = "early";
  empty.role = false;
  enc.encode(empty, out);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(enc.started());
  enc.encode(text("x"), out);
  EXPECT_EQ(frames(out)[0].at("model"), "early");
}

TEST(OpenAIChunkEncoder, RoleOnlyChunkOpensTheTurnWithEmptyContent) {
  ChunkEncoder enc(meta(), false);
  std::string out;
  StreamChunk c;
  c.role = true;
  enc.encode(c, out);
  enc.encode(c, out);  // a repeated role (OpenRouter) adds nothing
  auto f = frames(out);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].at("choices").at(0).at("delta"),
            json::parse(R"({"role":"assistant","content":""})"));
}

TEST(OpenAIChunkEncoder, EncodesReasoningToolCallsAndFinish) {
  ChunkEncoder enc(meta(), true);
  std::string out;
  StreamChunk r;
  r.reasoning = "think";
  enc.encode(r, out);
  StreamChunk t;
  t.tool_calls = {{.index = 0, .id = "call_1", .name = "f", .arguments = ""},
                  {.index = 1, .id = "", .name = "", .arguments = "{\"a\""}};
  enc.encode(t, out);
  StreamChunk fin;
  fin.finish_reason = FinishReason::kToolCalls;
  enc.encode(fin, out);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].at("choices").at(0).at("delta"),
            json::parse(R"({"role":"assistant","reasoning_content":"think"})"));
  EXPECT_EQ(f[1].at("choices").at(0).at("delta"), json::parse(R"({"tool_calls":[
      {"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}},
      {"index":1,"function":{"arguments":"{\"a\""}}]})"));
  EXPECT_EQ(f[2].at("choices").at(0).at("delta"), json::object());
  EXPECT_EQ(f[2].at("choices").at(0).at("finish_reason"), "tool_calls");
}

TEST(OpenAIChunkEncoder, UsageIsAFinalChunkWithNoChoicesOnlyWhenAskedFor) {
  Usage usage{.input_tokens = 9, .output_tokens = 4, .reasoning_tokens = 2};
  StreamChunk c = text("hi", "m");
  c.finish_reason = FinishReason::kStop;
  c.usage = usage;  // usage on the finish chunk (DeepSeek) is held back until done()

  ChunkEncoder with(meta(), true);
  std::string out;
  with.encode(c, out);
  with.done(out);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_FALSE(f[0].as_object().contains("usage"));
  EXPECT_EQ(f[1].at("choices"), json::array());
  EXPECT_EQ(f[1].at("model"), "m");
  EXPECT_EQ(f[1].at("usage"), json::parse(R"({"prompt_tokens":9,"completion_tokens":4,
      "total_tokens":13,"completion_tokens_details":{"reasoning_tokens":2}})"));
  EXPECT_EQ(f[2], "[DONE]");

  ChunkEncoder without(meta(), false);
  out.clear();
  without.encode(c, out);
  without.done(out);
  f = frames(out);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1], "[DONE]");
  EXPECT_EQ(without.usage()->input_tokens, 9);  // still known to the gateway
}

TEST(OpenAIChunkEncoder, SetUsageReplacesTheReportedUsage) {
  ChunkEncoder enc(meta(), true);
  std::string out;
  StreamChunk c;
  c.usage = Usage{.input_tokens = 1, .output_tokens = 1};
  enc.encode(c, out);
  EXPECT_TRUE(out.empty());
  enc.set_usage(Usage{.input_tokens = 5, .output_tokens = 6});
  enc.done(out);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].at("usage").at("total_tokens"), 11);
  EXPECT_EQ(f[0].at("model"), "fallback");
}

TEST(OpenAIChunkEncoder, DoneIsExactlyTheDoneFrame) {
  ChunkEncoder enc(meta(), true);
  std::string out;
  enc.done(out);  // no usage known: no usage frame
  EXPECT_EQ(out, "data: [DONE]\n\n");
}

TEST(OpenAIChunkEncoder, ErrorFrameHasTheToHttpBody) {
  Error e{.code = ErrorCode::kUpstreamStreamBroken,
          .message = "upstream returned 502: gone",
          .status = 502};
  std::string out = "keep:";
  ChunkEncoder::error_frame(e, out);
  EXPECT_EQ(out, "keep:data: " + to_http(e).body + "\n\n");
  auto f = frames(out.substr(5));
  EXPECT_EQ(f[0].at("error").at("message"), "upstream returned 502: gone");
  EXPECT_EQ(f[0].at("error").at("code"), "upstream_stream_broken");
}

TEST(OpenAIChunkEncoder, EscapesEveryCharacterThatNeedsIt) {
  std::string nasty = "quote\" backslash\\ nl\n cr\r tab\t bell\x07 nul";
  nasty.push_back('\0');
  nasty += " unicode é — 😀 </script>";
  ChunkEncoder enc(meta(), false);
  std::string out;
  enc.encode(text(nasty), out);
  auto f = frames(out);
  EXPECT_EQ(f[0].at("choices").at(0).at("delta").at("content").as_string(), nasty);
  EXPECT_EQ(out.find('\n'), out.size() - 2);  // no raw newline inside the frame
}

TEST(OpenAIChunkEncoder, AppendsToTheCallersBuffer) {
  ChunkEncoder enc(meta(), false);
  std::string out = "prefix";
  enc.encode(text("a"), out);
  EXPECT_TRUE(out.starts_with("prefixdata: {"));
}

}  // namespace
}  // namespace sb::api::openai
