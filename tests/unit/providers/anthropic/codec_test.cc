#include "providers/anthropic/codec.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/openai/request_decoder.h"
#include "api/openai/response_encoder.h"
#include "canonical_json.h"
#include "providers/anthropic/request_encoder.h"
#include "providers/anthropic/thinking.h"

namespace sb::providers::anthropic {
namespace {

namespace json = boost::json;
using sb::testing::encode_golden;
using sb::testing::files_in;
using sb::testing::read_json;
using sb::testing::response_json;
using sb::testing::stem;

const Codec& codec() {
  return codec_for(Family::kAnthropic);
}

TEST(AnthropicCodec, IsTheCodecOfTheAnthropicType) {
  const Descriptor* d = find_descriptor("anthropic");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->implemented);
  EXPECT_EQ(d->default_base_url, "https://api.anthropic.com/v1");
  EXPECT_EQ(d->default_key_env, "ANTHROPIC_API_KEY");
  EXPECT_NE(dynamic_cast<const AnthropicCodec*>(&codec_for(d->family)), nullptr);
  EXPECT_FALSE(codec().supports_embeddings());
}

TEST(AnthropicCodec, EncodesEveryRequestGolden) {
  auto files = files_in("anthropic/requests", ".json");
  ASSERT_GE(files.size(), 18u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    json::value got = encode_golden(golden);
    EXPECT_EQ(got, golden.at("expected"))
        << "got:      " << json::serialize(got)
        << "\nexpected: " << json::serialize(golden.at("expected"));
  }
}

TEST(AnthropicCodec, DecodesEveryResponseGolden) {
  auto files = files_in("anthropic/responses", ".json");
  ASSERT_GE(files.size(), 6u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    auto r = codec().decode_chat(json::serialize(golden.at("body")));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    json::object got = response_json(*r);
    EXPECT_EQ(got, golden.at("expected"))
        << "got:      " << json::serialize(got)
        << "\nexpected: " << json::serialize(golden.at("expected"));
  }
}

config::ProviderConfig claude(std::string model = "claude-sonnet-4-20250514") {
  return config::ProviderConfig{.name = "claude", .type = "anthropic", .model_name = model};
}

// The upstream body for an OpenAI client body.
json::object encode(std::string_view client_body, const config::ProviderConfig& p = claude()) {
  auto request = api::openai::decode_chat_request(client_body);
  EXPECT_TRUE(request.has_value()) << request.error().message;
  Target target{.provider = &p, .base_url = "https://api.anthropic.com/v1", .api_key = "k"};
  auto out = codec().encode_chat(*request, target);
  EXPECT_TRUE(out.has_value()) << out.error().message;
  return json::parse(out->body).as_object();
}

TEST(AnthropicCodec, MapsStopSequencesToStop) {
  json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],
                                 "stop":"###"})");
  EXPECT_EQ(body.at("stop_sequences"), json::array{"###"});
  EXPECT_FALSE(body.contains("stop"));
  auto r = codec().decode_chat(R"({"type":"message","content":[{"type":"text","text":"a"}],
                                   "stop_reason":"stop_sequence","stop_sequence":"###"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->finish_reason, api::FinishReason::kStop);
}

TEST(AnthropicCodec, DefaultsMaxTokensWhenTheClientGivesNone) {
  json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(body.at("max_tokens"), kDefaultMaxTokens);
  body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":77})");
  EXPECT_EQ(body.at("max_tokens"), 77);
}

TEST(AnthropicCodec, MapsEveryReasoningEffortToItsThinkingBudget) {
  struct Row {
    std::string_view effort;
    int64_t budget;  // 0: no thinking
  };
  for (Row row : {Row{"none", 0}, Row{"minimal", 1024}, Row{"low", 2048}, Row{"medium", 8192},
                  Row{"high", 24576}, Row{"extreme", 0}}) {
    SCOPED_TRACE(row.effort);
    json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],
                                   "reasoning_effort":")" +
                               std::string(row.effort) + "\"}");
    if (row.budget == 0) {
      EXPECT_FALSE(body.contains("thinking"));
      EXPECT_EQ(body.at("max_tokens"), kDefaultMaxTokens);
      continue;
    }
    EXPECT_EQ(body.at("thinking"),
              (json::object{{"type", "enabled"}, {"budget_tokens", row.budget}}));
    EXPECT_EQ(body.at("max_tokens"), row.budget + kDefaultMaxTokens);  // budget < max_tokens
  }
}

TEST(AnthropicCodec, ExplicitBudgetWinsAndKeepsBudgetBelowMaxTokens) {
  struct Row {
    std::string_view extra;
    int64_t budget, max_tokens;  // budget 0: no thinking
  };
  for (Row row : {
           Row{R"("thinking":{"type":"enabled","budget_tokens":5000})", 5000, 9096},
           Row{R"("thinking":{"type":"enabled","budget_tokens":5000},"max_tokens":5000)", 5000,
               10000},
           Row{R"("thinking":{"type":"enabled","budget_tokens":5000},"max_tokens":5001)", 5000,
               5001},
           Row{R"("thinking":{"type":"enabled","budget_tokens":10},"max_tokens":100)", 1024, 1124},
           Row{R"("thinking":{"type":"disabled"},"reasoning_effort":"high")", 0, 4096},
           Row{R"("tensorzero::params":{"chat_completion":{"thinking_budget_tokens":0}},
                 "reasoning_effort":"high")",
               0, 4096},
       }) {
    SCOPED_TRACE(row.extra);
    json::object body =
        encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],)" +
                   std::string(row.extra) + "}",
               claude("claude-3-5-sonnet-20241022"));  // an explicit budget is sent to any model
    if (row.budget == 0) {
      EXPECT_FALSE(body.contains("thinking"));
    } else {
      EXPECT_EQ(body.at("thinking").at("budget_tokens"), row.budget);
    }
    EXPECT_EQ(body.at("max_tokens"), row.max_tokens);
  }
}

TEST(AnthropicCodec, JsonSchemaRoundTripsThroughTheForcedTool) {
  json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"Alice, 30"}],
      "response_format":{"type":"json_schema","json_schema":{"name":"p",
        "schema":{"type":"object","properties":{"age":{"type":"integer"}}}}}})");
  const json::object& tool = body.at("tools").as_array().at(0).as_object();
  ASSERT_EQ(tool.at("name").as_string(), kJsonToolName);
  EXPECT_EQ(tool.at("input_schema").at("properties").at("age").at("type"), "integer");
  EXPECT_EQ(body.at("tool_choice"), (json::object{{"type", "tool"}, {"name", kJsonToolName}}));

  // Anthropic answers by calling the tool; the client gets its input as the message text.
  auto r = codec().decode_chat(R"({"type":"message","model":"claude-sonnet-4-20250514",
      "content":[{"type":"tool_use","id":"toolu_1","name":"json_response","input":{"age":30}}],
      "stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":5}})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::string client = api::openai::encode_chat_response(*r, {.inference_id = "i", .model = "m"});
  json::value message = json::parse(client).at("choices").at(0).at("message");
  EXPECT_EQ(message.at("content"), "{\"age\":30}");
  EXPECT_FALSE(message.as_object().contains("tool_calls"));
  EXPECT_EQ(json::parse(client).at("choices").at(0).at("finish_reason"), "stop");
}

TEST(AnthropicCodec, ClientToolsKeepTheirChoiceNextToTheJsonTool) {
  json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],
      "tools":[{"type":"function","function":{"name":"search"}}],
      "response_format":{"type":"json_object"}})");
  ASSERT_EQ(body.at("tools").as_array().size(), 2u);
  EXPECT_EQ(body.at("tools").at(1).at("name").as_string(), kJsonToolName);
  EXPECT_FALSE(body.contains("tool_choice"));  // Anthropic's default: auto
}

TEST(AnthropicCodec, ThinkingSignatureSurvivesAClientRoundTrip) {
  auto r = codec().decode_chat(R"({"type":"message","id":"msg_1","model":"claude-sonnet-4-5",
      "content":[{"type":"thinking","thinking":"Need the tool.","signature":"c2lnbmF0dXJl+/=="},
                 {"type":"tool_use","id":"toolu_7","name":"lookup","input":{"q":"x"}}],
      "stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":5}})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::string client = api::openai::encode_chat_response(*r, {.inference_id = "i", .model = "m"});
  json::object message = json::parse(client).at("choices").at(0).at("message").as_object();
  EXPECT_EQ(message.at("reasoning_signature"), "c2lnbmF0dXJl+/==");

  // The client appends the assistant message as it got it, plus the tool result.
  json::object next{
      {"model", "m"},
      {"messages",
       json::array{
           json::object{{"role", "user"}, {"content", "q"}}, message,
           json::object{{"role", "tool"}, {"tool_call_id", "toolu_7"}, {"content", "found"}}}}};
  json::object body = encode(json::serialize(next));
  const json::array& turn = body.at("messages").at(1).at("content").as_array();
  EXPECT_EQ(turn.at(0), (json::object{{"type", "thinking"},
                                      {"thinking", "Need the tool."},
                                      {"signature", "c2lnbmF0dXJl+/=="}}));
  EXPECT_EQ(turn.at(1).at("type"), "tool_use");
  EXPECT_EQ(turn.at(1).at("input"), (json::object{{"q", "x"}}));
}

TEST(AnthropicCodec, SendsImagesAsBase64OrUrlSources) {
  json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},
      {"type":"image_url","image_url":"https://example.com/a.webp"}]}]})");
  const json::array& content = body.at("messages").at(0).at("content").as_array();
  EXPECT_EQ(content.at(0).at("source"),
            (json::object{{"type", "base64"}, {"media_type", "image/jpeg"}, {"data", "/9j/4AAQ"}}));
  EXPECT_EQ(content.at(1).at("source"),
            (json::object{{"type", "url"}, {"url", "https://example.com/a.webp"}}));
}

TEST(AnthropicCodec, RejectsImagesThatAreNeitherUrlsNorBase64) {
  auto request = api::openai::decode_chat_request(R"({"model":"m","messages":[{"role":"user",
      "content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}]})");
  ASSERT_TRUE(request.has_value());
  config::ProviderConfig p = claude();
  auto out = codec().encode_chat(*request, Target{.provider = &p, .base_url = "https://a/v1"});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(out.error().param, "messages[0].content[0].image_url.url");
}

TEST(AnthropicCodec, MissingModelNameOrBaseUrlIsAConfigError) {
  api::ChatRequest request;
  config::ProviderConfig p{.name = "c", .type = "anthropic"};
  auto out = codec().encode_chat(request, Target{.provider = &p, .base_url = "https://a/v1"});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
  EXPECT_EQ(out.error().message, "provider 'c' has no model_name");
  p.model_name = "claude-x";
  out = codec().encode_chat(request, Target{.provider = &p, .base_url = "/"});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
}

TEST(AnthropicCodec, UnusableResponsesAreBadResponses) {
  for (std::string_view body : {"{\"content\": [", "[1]", R"({"type":"message","id":"x"})"}) {
    SCOPED_TRACE(body);
    auto r = codec().decode_chat(body);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse);
  }
}

TEST(AnthropicCodec, SuccessStatusCarryingAnErrorBodyIsAnError) {
  auto r = codec().decode_chat(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamServerError);
  EXPECT_EQ(r.error().status, 529);
  EXPECT_EQ(r.error().message, "upstream reported overloaded_error: Overloaded");
}

}  // namespace
}  // namespace sb::providers::anthropic
