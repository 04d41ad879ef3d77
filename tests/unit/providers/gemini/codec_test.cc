#include "providers/gemini/codec.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "../anthropic/canonical_json.h"
#include "api/openai/request_decoder.h"
#include "api/openai/response_encoder.h"
#include "providers/anthropic/thinking.h"
#include "providers/gemini/thinking.h"

namespace sb::providers::gemini {
namespace {

namespace json = boost::json;
using sb::testing::encode_golden;
using sb::testing::files_in;
using sb::testing::read_json;
using sb::testing::response_json;
using sb::testing::stem;

const Codec& codec() {
  return codec_for(Family::kGemini);
}

TEST(GeminiCodec, IsTheCodecOfTheAiStudioType) {
  const Descriptor* d = find_descriptor("google_ai_studio_gemini");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->implemented);
  EXPECT_EQ(d->default_base_url, "https://generativelanguage.googleapis.com/v1beta");
  EXPECT_EQ(d->default_key_env, "GOOGLE_AI_STUDIO_API_KEY");
  EXPECT_NE(dynamic_cast<const GeminiCodec*>(&codec_for(d->family)), nullptr);
  EXPECT_TRUE(codec().supports_embeddings());
}

TEST(GeminiCodec, EncodesEveryRequestGolden) {
  auto files = files_in("gemini/requests", ".json");
  ASSERT_GE(files.size(), 10u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    json::value got = encode_golden(golden);
    EXPECT_EQ(got, golden.at("expected"))
        << "got:      " << json::serialize(got)
        << "\nexpected: " << json::serialize(golden.at("expected"));
  }
}

TEST(GeminiCodec, DecodesEveryResponseGolden) {
  auto files = files_in("gemini/responses", ".json");
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

config::ProviderConfig gem(std::string model = "gemini-2.5-flash") {
  return config::ProviderConfig{
      .name = "gem", .type = "google_ai_studio_gemini", .model_name = std::move(model)};
}

json::object encode(std::string_view client_body, const config::ProviderConfig& p = gem()) {
  auto request = api::openai::decode_chat_request(client_body);
  EXPECT_TRUE(request.has_value()) << request.error().message;
  Target target{.provider = &p, .base_url = "https://g/v1beta", .api_key = "k"};
  auto out = codec().encode_chat(*request, target);
  EXPECT_TRUE(out.has_value()) << out.error().message;
  return json::parse(out->body).as_object();
}

TEST(GeminiCodec, EffortBudgetsMatchAnthropics) {
  for (std::string_view effort : {"", "none", "minimal", "low", "medium", "high", "xhigh"}) {
    SCOPED_TRACE(effort);
    EXPECT_EQ(effort_budget(effort), anthropic::effort_budget(effort));
  }
}

TEST(GeminiCodec, MapsEveryReasoningEffortToItsThinkingConfig) {
  struct Row {
    std::string_view model, effort;
    json::value config;  // null: no thinkingConfig
  };
  auto budget = [](int64_t b, bool thoughts) {
    return json::value{{"thinkingBudget", b}, {"includeThoughts", thoughts}};
  };
  auto level = [](std::string_view l, bool thoughts) {
    return json::value{{"thinkingLevel", l}, {"includeThoughts", thoughts}};
  };
  for (const Row& row : {
           Row{"gemini-2.5-flash", "none", budget(0, false)},
           Row{"gemini-2.5-flash", "minimal", budget(1024, true)},
           Row{"gemini-2.5-flash", "low", budget(2048, true)},
           Row{"gemini-2.5-flash", "medium", budget(8192, true)},
           Row{"gemini-2.5-flash", "high", budget(24576, true)},
           Row{"gemini-2.5-flash", "extreme", nullptr},
           Row{"gemini-2.5-pro", "none", budget(128, false)},
           Row{"gemini-flash-latest", "low", budget(2048, true)},
           Row{"gemini-1.5-pro", "high", nullptr},
           Row{"gemini-3-pro-preview", "minimal", level("low", true)},
           Row{"gemini-3-pro-preview", "medium", level("high", true)},
           Row{"gemini-3-flash-preview", "none", level("minimal", false)},
           Row{"gemini-3-flash-preview", "medium", level("medium", true)},
           Row{"gemini-3-flash-preview", "high", level("high", true)},
       }) {
    SCOPED_TRACE(std::string(row.model) + " " + std::string(row.effort));
    json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],
                                   "reasoning_effort":")" +
                                   std::string(row.effort) + "\"}",
                               gem(std::string(row.model)));
    const json::value* config = nullptr;
    if (const json::value* g = body.if_contains("generationConfig")) {
      config = g->as_object().if_contains("thinkingConfig");
    }
    if (row.config.is_null()) {
      EXPECT_EQ(config, nullptr);
    } else {
      ASSERT_NE(config, nullptr);
      EXPECT_EQ(*config, row.config);
    }
  }
}

TEST(GeminiCodec, ExplicitBudgetIsSentAsIsToAnyModel) {
  json::object body = encode(R"({"model":"m","messages":[{"role":"user","content":"x"}],
      "reasoning_effort":"low",
      "tensorzero::params":{"chat_completion":{"thinking_budget_tokens":300}}})",
                             gem("gemini-3-pro-preview"));
  EXPECT_EQ(body.at("generationConfig").at("thinkingConfig"),
            (json::object{{"thinkingBudget", 300}, {"includeThoughts", true}}));
}

TEST(GeminiCodec, ThoughtSignatureSurvivesAClientRoundTrip) {
  auto r = codec().decode_chat(R"({"candidates":[{"content":{"role":"model","parts":[
      {"text":"Thinking about it","thought":true},
      {"functionCall":{"name":"lookup","args":{"q":"x"}},"thoughtSignature":"Zm9vYmFy"}]},
      "finishReason":"STOP"}],"modelVersion":"gemini-3-pro-preview"})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::string client = api::openai::encode_chat_response(*r, {.inference_id = "i", .model = "m"});
  json::object message = json::parse(client).at("choices").at(0).at("message").as_object();
  EXPECT_EQ(message.at("reasoning_signature"), "Zm9vYmFy");
  EXPECT_EQ(message.at("reasoning_content"), "Thinking about it");
  std::string id(message.at("tool_calls").at(0).at("id").as_string());

  json::object next{
      {"model", "m"},
      {"messages",
       json::array{
           json::object{{"role", "user"}, {"content", "q"}}, message,
           json::object{{"role", "tool"}, {"tool_call_id", id}, {"content", "{\"hits\":1}"}}}}};
  json::object body = encode(json::serialize(next), gem("gemini-3-pro-preview"));
  const json::array& contents = body.at("contents").as_array();
  EXPECT_EQ(
      contents.at(1),
      (json::object{{"role", "model"},
                    {"parts", json::array{json::object{
                                  {"functionCall", {{"name", "lookup"}, {"args", {{"q", "x"}}}}},
                                  {"thoughtSignature", "Zm9vYmFy"}}}}}));
  EXPECT_EQ(contents.at(2).at("parts").at(0).at("functionResponse"),
            (json::object{{"name", "lookup"}, {"response", {{"hits", 1}}}}));
}

TEST(GeminiCodec, BlockedPromptIsContentFiltered) {
  auto r = codec().decode_chat(
      R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kContentFiltered);
  EXPECT_EQ(r.error().message, "upstream blocked the prompt: SAFETY");
}

TEST(GeminiCodec, UnusableResponsesAreBadResponses) {
  for (std::string_view body :
       {"{\"candidates\": [", "[1]", R"({"candidates":[]})", R"({"modelVersion":"x"})"}) {
    SCOPED_TRACE(body);
    auto r = codec().decode_chat(body);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse);
  }
}

TEST(GeminiCodec, SuccessStatusCarryingAnErrorBodyIsAnError) {
  auto r = codec().decode_chat(
      R"({"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamRateLimited);
  EXPECT_EQ(r.error().status, 429);
  EXPECT_EQ(r.error().message, "upstream reported an error: Quota");
}

TEST(GeminiCodec, MissingModelNameOrBaseUrlIsAConfigError) {
  api::ChatRequest request;
  config::ProviderConfig p{.name = "g", .type = "google_ai_studio_gemini"};
  auto out = codec().encode_chat(request, Target{.provider = &p, .base_url = "https://g"});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
  EXPECT_EQ(out.error().message, "provider 'g' has no model_name");
  p.model_name = "gemini-2.5-flash";
  out = codec().encode_chat(request, Target{.provider = &p, .base_url = ""});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
}

TEST(GeminiCodec, PercentEncodesAllButUnreservedCharacters) {
  EXPECT_EQ(percent_encode("gemini-2.5-flash_x~"), "gemini-2.5-flash_x~");
  EXPECT_EQ(percent_encode("a b/c?d#e:f%"), "a%20b%2Fc%3Fd%23e%3Af%25");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
}

}  // namespace
}  // namespace sb::providers::gemini
