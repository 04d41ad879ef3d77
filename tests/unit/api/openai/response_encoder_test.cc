#include "api/openai/response_encoder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sb::api::openai {
namespace {

namespace json = boost::json;

ResponseMeta meta() {
  return ResponseMeta{.inference_id = "0192e1c0-0000-7000-8000-000000000001",
                      .episode_id = "0192e1c0-0000-7000-8000-0000000000ep",
                      .model = "configured-model",
                      .created = 1730000000};
}

TEST(OpenAIResponseEncoder, EncodesTheFullResponseShape) {
  ChatResponse r;
  r.model = "gpt-4o-2024-08-06";
  r.system_fingerprint = "fp_1";
  r.has_text = true;
  r.text = "Paris.";
  r.reasoning = "Capital of France.";
  r.finish_reason = FinishReason::kStop;
  r.usage = Usage{
      .input_tokens = 100, .output_tokens = 20, .reasoning_tokens = 5, .cache_read_tokens = 64};
  json::value got = json::parse(encode_chat_response(r, meta()));
  json::value expected = json::parse(R"({
    "id": "chatcmpl-0192e1c0-0000-7000-8000-000000000001",
    "object": "chat.completion",
    "created": 1730000000,
    "model": "gpt-4o-2024-08-06",
    "system_fingerprint": "fp_1",
    "choices": [{"index": 0,
                 "message": {"role": "assistant", "content": "Paris.", "reasoning_content": "Capital of France."},
                 "finish_reason": "stop", "logprobs": null}],
    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120,
              "completion_tokens_details": {"reasoning_tokens": 5},
              "prompt_tokens_details": {"cached_tokens": 64}},
    "episode_id": "0192e1c0-0000-7000-8000-0000000000ep"
  })");
  EXPECT_EQ(got, expected) << json::serialize(got);
}

TEST(OpenAIResponseEncoder, ToolCallsOnlyHaveNullContentAndNoReasoning) {
  ChatResponse r;
  r.model = "m";
  r.tool_calls = {{.id = "call_1", .name = "f", .arguments = "{\"a\":1}"},
                  {.id = "call_2", .name = "g", .arguments = "{}"}};
  r.usage = Usage{.input_tokens = 3, .output_tokens = 4};
  json::value got = json::parse(encode_chat_response(r, meta()));
  const json::object& message = got.at("choices").at(0).at("message").as_object();
  EXPECT_TRUE(message.at("content").is_null());
  EXPECT_FALSE(message.contains("reasoning_content"));
  EXPECT_EQ(message.at("tool_calls"), json::parse(R"([
      {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
      {"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}])"));
  // No finish reason from the upstream: tool calls imply "tool_calls".
  EXPECT_EQ(got.at("choices").at(0).at("finish_reason"), "tool_calls");
  EXPECT_EQ(got.at("usage"),
            json::parse(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7})"));
}

TEST(OpenAIResponseEncoder, ModelFallsBackToTheConfiguredNameWhenUpstreamReportsNone) {
  ChatResponse r;
  r.has_text = true;
  json::value got = json::parse(encode_chat_response(r, meta()));
  EXPECT_EQ(got.at("model"), "configured-model");
  EXPECT_EQ(got.at("choices").at(0).at("message").at("content"), "");
  EXPECT_EQ(got.at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(got.at("system_fingerprint"), "");
}

TEST(OpenAIResponseEncoder, MissingUsageIsZeroes) {
  ChatResponse r;
  json::value got = json::parse(encode_chat_response(r, meta()));
  EXPECT_EQ(got.at("usage"),
            json::parse(R"({"prompt_tokens":0,"completion_tokens":0,"total_tokens":0})"));
}

TEST(OpenAIResponseEncoder, OmitsEpisodeIdWhenUnknownAndUsesUpstreamCreatedWhenMetaHasNone) {
  ChatResponse r;
  r.created = 123;
  ResponseMeta m = meta();
  m.episode_id.clear();
  m.created = 0;
  json::value got = json::parse(encode_chat_response(r, m));
  EXPECT_FALSE(got.as_object().contains("episode_id"));
  EXPECT_EQ(got.at("created"), 123);
}

TEST(OpenAIResponseEncoder, MapsEveryFinishReason) {
  ChatResponse r;
  for (auto [reason, name] :
       {std::pair{FinishReason::kStop, "stop"}, std::pair{FinishReason::kLength, "length"},
        std::pair{FinishReason::kToolCalls, "tool_calls"},
        std::pair{FinishReason::kContentFilter, "content_filter"}}) {
    r.finish_reason = reason;
    EXPECT_EQ(json::parse(encode_chat_response(r, meta())).at("choices").at(0).at("finish_reason"),
              name);
  }
}

// The text is written by hand (no DOM): compact, fields in this order, strings escaped as
// Boost.JSON's serializer escapes them.
TEST(OpenAIResponseEncoder, WritesCompactJsonWithFieldsInOrder) {
  ChatResponse r;
  r.model = "m";
  r.has_text = true;
  r.text = "a\"b\\c\nd\te\x01 \xC3\xA9/";
  r.tool_calls = {{.id = "c1", .name = "f", .arguments = "{\"x\":1}"}};
  r.reasoning = "why";
  r.reasoning_signature = "sig";
  r.finish_reason = FinishReason::kToolCalls;
  r.usage = Usage{.input_tokens = 1, .output_tokens = 2, .reasoning_tokens = 3};
  EXPECT_EQ(encode_chat_response(r, meta()),
            R"({"id":"chatcmpl-0192e1c0-0000-7000-8000-000000000001","object":"chat.completion",)"
            R"("created":1730000000,"model":"m","system_fingerprint":"","choices":[{"index":0,)"
            R"("message":{"role":"assistant","content":"a\"b\\c\nd\te\u0001 )"
            "\xC3\xA9/"
            R"(","tool_calls":[{"id":"c1","type":"function","function":{"name":"f",)"
            R"("arguments":"{\"x\":1}"}}],"reasoning_content":"why","reasoning_signature":"sig"},)"
            R"("finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":1,)"
            R"("completion_tokens":2,"total_tokens":3,"completion_tokens_details":)"
            R"({"reasoning_tokens":3}},"episode_id":"0192e1c0-0000-7000-8000-0000000000ep"})");
}

TEST(OpenAIModelsList, EncodesNamesInOrder) {
  json::value got = json::parse(encode_models_list({"gpt", "claude"}));
  EXPECT_EQ(got, json::parse(R"({"object":"list","data":[
      {"id":"gpt","object":"model","created":0,"owned_by":"switchboard"},
      {"id":"claude","object":"model","created":0,"owned_by":"switchboard"}]})"));
  EXPECT_EQ(json::parse(encode_models_list({}, "me")),
            json::parse(R"({"object":"list","data":[]})"));
  EXPECT_EQ(json::parse(encode_models_list({"x"}, "me")).at("data").at(0).at("owned_by"), "me");
}

}  // namespace
}  // namespace sb::api::openai
