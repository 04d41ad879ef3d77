#include "providers/openai/response_fast_path.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "golden.h"

namespace sb::providers::openai {
namespace {

namespace json = boost::json;
using sb::testing::read_json;
using sb::testing::testdata;

std::string golden_body(std::string_view name) {
  json::value g = read_json(testdata("openai/responses/" + std::string(name) + ".json"));
  return json::serialize(g.at("body"));
}

TEST(ResponseFastPath, TakesTheCommonShapes) {
  // What OpenAI, DeepSeek and OpenRouter send; the golden test checks the values.
  for (std::string_view name :
       {"openai_text", "openai_tool_calls", "deepseek_reasoner", "openrouter_reasoning"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(decode_common_response(golden_body(name)).has_value());
  }
}

TEST(ResponseFastPath, LeavesEveryOtherShapeToTheDom) {
  EXPECT_FALSE(decode_common_response(golden_body("mistral_thinking_parts")).has_value());
  EXPECT_FALSE(decode_common_response(golden_body("ollama_no_usage")).has_value());  // object args
  for (
      std::string_view body : {
          R"({"error":{"message":"overloaded","code":502}})",
          R"({"choices":[{"message":{"content":"x"}}],"error":"late"})",
          R"({"choices":[{"message":{"function_call":{"name":"f","arguments":"{}"}}}]})",
          R"({"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":{"a":1}}}]}}]})",
          R"({"choices":[{"message":{"content":"x"}}],"x_groq":{"usage":{"prompt_tokens":1}}})",
          R"({"choices":[{"message":{"content":7}}]})",
          R"({"choices":[1]})",
          R"({"choices":[]})",
          R"({"id":"x"})",
          R"([1,2])",
          R"({"choices":[{"message":{"content":"x"}}]} trailing)",
          R"({"choices": [)",
      }) {
    EXPECT_FALSE(decode_common_response(body).has_value()) << body;
  }
}

TEST(ResponseFastPath, ReadsTheFirstChoiceAndSkipsWhatItDoesNotKnow) {
  auto r = decode_common_response(R"({
    "id": "chatcmpl-1", "created": 1.7e9, "model": "m", "service_tier": {"x": [1, {"y": null}]},
    "choices": [
      {"index": 0, "logprobs": {"content": [{"token": "hi", "bytes": [104, 105]}]},
       "message": {"role": "assistant", "content": "a\"b\\c\n\u00e9", "refusal": null,
                   "annotations": [{"type": "url"}]},
       "finish_reason": "length"},
      {"index": 1, "message": {"content": "second"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12,
              "completion_tokens_details": {"reasoning_tokens": 3, "audio_tokens": 0},
              "prompt_tokens_details": {"cached_tokens": 0}, "prompt_cache_hit_tokens": 2}
  })");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, "chatcmpl-1");
  EXPECT_EQ(r->model, "m");
  EXPECT_EQ(r->created, 1700000000);
  EXPECT_TRUE(r->has_text);
  EXPECT_EQ(r->text, "a\"b\\c\n\xc3\xa9");
  EXPECT_EQ(r->finish_reason, api::FinishReason::kLength);
  ASSERT_TRUE(r->usage.has_value());
  EXPECT_EQ(r->usage->input_tokens, 5);
  EXPECT_EQ(r->usage->output_tokens, 7);
  EXPECT_EQ(r->usage->reasoning_tokens, 3);
  EXPECT_EQ(r->usage->cache_read_tokens, 2);  // DeepSeek's field when the details say 0
}

TEST(ResponseFastPath, LongEscapedStringsArriveWhole) {
  // Longer than the parser's buffer for unescaped text, so it hands the string over in parts.
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line \"" + std::to_string(i) + "\"\n";
  json::object body{
      {"choices", json::array{json::object{{"message", json::object{{"content", text}}}}}}};
  auto r = decode_common_response(json::serialize(body));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, text);
  EXPECT_FALSE(r->usage.has_value());
}

TEST(ResponseFastPath, DecodesTheUsualStreamChunks) {
  auto role = decode_common_chunk(
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o",)"
      R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})");
  ASSERT_TRUE(role.has_value());
  EXPECT_TRUE(role->role);
  EXPECT_EQ(role->model, "gpt-4o");
  EXPECT_FALSE(role->has_payload());

  auto text = decode_common_chunk(
      R"({"choices":[{"index":0,"delta":{"content":"Hel\"lo","reasoning_content":"hm"}}]})");
  ASSERT_TRUE(text.has_value());
  EXPECT_FALSE(text->role);
  EXPECT_EQ(text->text, "Hel\"lo");
  EXPECT_EQ(text->reasoning, "hm");

  auto calls = decode_common_chunk(
      R"({"choices":[{"delta":{"tool_calls":[{"index":1,"id":"call_1","type":"function",)"
      R"("function":{"name":"f","arguments":"{\"a\""}},{"function":{"arguments":"1}"}}]}}]})");
  ASSERT_TRUE(calls.has_value());
  ASSERT_EQ(calls->tool_calls.size(), 2u);
  EXPECT_EQ(calls->tool_calls[0].index, 1);
  EXPECT_EQ(calls->tool_calls[0].id, "call_1");
  EXPECT_EQ(calls->tool_calls[0].name, "f");
  EXPECT_EQ(calls->tool_calls[0].arguments, "{\"a\"");
  EXPECT_EQ(calls->tool_calls[1].index, 1);  // no index given: its position
  EXPECT_EQ(calls->tool_calls[1].arguments, "1}");

  auto usage = decode_common_chunk(
      R"({"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})");
  ASSERT_TRUE(usage.has_value());
  ASSERT_TRUE(usage->usage.has_value());
  EXPECT_EQ(usage->usage->input_tokens, 3);
  EXPECT_EQ(usage->usage->output_tokens, 4);

  auto finish = decode_common_chunk(R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})");
  ASSERT_TRUE(finish.has_value());
  EXPECT_EQ(finish->finish_reason, api::FinishReason::kToolCalls);
}

TEST(ResponseFastPath, LeavesUnusualChunksToTheDom) {
  for (std::string_view data : {
           R"({"error":{"message":"overloaded"}})",
           R"({"object":"error","message":"x"})",
           R"({"choices":[{"delta":{"content":[{"type":"text","text":"x"}]}}]})",
           R"({"choices":[],"x_groq":{"usage":{"prompt_tokens":1}}})",
           R"({"choices":[{"delta":{"role":7}}]})",
           R"(not json)",
       }) {
    EXPECT_FALSE(decode_common_chunk(data).has_value()) << data;
  }
}

}  // namespace
}  // namespace sb::providers::openai
