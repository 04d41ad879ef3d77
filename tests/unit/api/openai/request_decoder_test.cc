#include "api/openai/request_decoder.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "common/ids.h"

namespace sb::api::openai {
namespace {

namespace json = boost::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChatRequest decode_ok(std::string_view body) {
  auto r = decode_chat_request(body);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r.value_or(ChatRequest{});
}

// A minimal valid body plus `extra` members.
std::string body_with(std::string_view extra) {
  std::string s = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
  if (!extra.empty()) {
    s.pop_back();
    s += ",";
    s += extra;
    s += "}";
  }
  return s;
}

TEST(OpenAIRequestDecoder, RejectsEveryInvalidRequestInTheTable) {
  json::array cases =
      json::parse(read_file(std::string(SB_TESTDATA_DIR) + "/openai/client_errors.json"))
          .as_array();
  ASSERT_GE(cases.size(), 80u);
  for (const json::value& c : cases) {
    SCOPED_TRACE(std::string(c.at("name").as_string()));
    std::string body = c.as_object().contains("raw") ? std::string(c.at("raw").as_string())
                                                     : json::serialize(c.at("body"));
    auto r = decode_chat_request(body);
    ASSERT_FALSE(r.has_value()) << body;
    std::string_view code = c.as_object().contains("code")
                                ? std::string_view(c.at("code").as_string())
                                : "invalid_request";
    EXPECT_EQ(error_code_name(r.error().code), code);
    EXPECT_EQ(r.error().param, c.at("param").as_string());
    EXPECT_EQ(r.error().message, c.at("message").as_string());
    EXPECT_EQ(to_http(r.error()).status, 400);
  }
}

TEST(OpenAIRequestDecoder, DecodesAMinimalRequest) {
  ChatRequest r = decode_ok(body_with(""));
  EXPECT_EQ(r.model, "m");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, Role::kUser);
  EXPECT_TRUE(r.messages[0].content_is_text);
  EXPECT_EQ(r.messages[0].text, "hi");
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.include_usage);
  EXPECT_FALSE(r.temperature.has_value());
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_EQ(r.tool_choice.mode, ToolChoice::Mode::kUnset);
  EXPECT_EQ(r.response_format.type, ResponseFormat::Type::kUnset);
}

TEST(OpenAIRequestDecoder, TakesTheSmallerOfMaxTokensAndMaxCompletionTokens) {
  EXPECT_EQ(decode_ok(body_with(R"("max_tokens":100,"max_completion_tokens":50)")).max_tokens, 50);
  EXPECT_EQ(decode_ok(body_with(R"("max_tokens":30,"max_completion_tokens":50)")).max_tokens, 30);
  EXPECT_EQ(decode_ok(body_with(R"("max_completion_tokens":70)")).max_tokens, 70);
  EXPECT_EQ(decode_ok(body_with(R"("max_tokens":80,"max_completion_tokens":null)")).max_tokens, 80);
  EXPECT_EQ(decode_ok(body_with(R"("max_tokens":1e3)")).max_tokens, 1000);  // integral double
}

TEST(OpenAIRequestDecoder, IgnoresUnknownFields) {
  ChatRequest r = decode_ok(body_with(
      R"("logit_bias":{"1":2},"metadata":{"a":"b"},"store":true,"modalities":["text"],)"
      R"("service_tier":"auto","logprobs":true,"top_logprobs":3,"prediction":{"type":"content"},)"
      R"("tensorzero::variant_name":"v","tensorzero::cache_options":{"enabled":"on"},"functions":7)"));
  EXPECT_EQ(r.model, "m");
}

TEST(OpenAIRequestDecoder, TreatsNullOptionalFieldsAsAbsent) {
  ChatRequest r = decode_ok(
      body_with(R"("temperature":null,"top_p":null,"n":null,"stop":null,"seed":null,"user":null,)"
                R"("stream":null,"stream_options":null,"tools":null,"tool_choice":null,)"
                R"("parallel_tool_calls":null,"response_format":null,"reasoning_effort":null,)"
                R"("max_tokens":null,"tensorzero::episode_id":null,"tensorzero::tags":null)"));
  EXPECT_FALSE(r.temperature.has_value());
  EXPECT_FALSE(r.stream);
  EXPECT_TRUE(r.stop.empty());
  EXPECT_TRUE(r.episode_id.empty());
}

TEST(OpenAIRequestDecoder, AcceptsIntegersAndBoundsForSamplingParameters) {
  ChatRequest r = decode_ok(body_with(
      R"("temperature":2,"top_p":0,"presence_penalty":-2,"frequency_penalty":2.0,"seed":-9,"n":1)"));
  EXPECT_EQ(r.temperature, 2.0);
  EXPECT_EQ(r.top_p, 0.0);
  EXPECT_EQ(r.presence_penalty, -2.0);
  EXPECT_EQ(r.frequency_penalty, 2.0);
  EXPECT_EQ(r.seed, -9);
}

TEST(OpenAIRequestDecoder, DecodesStopStreamAndOptions) {
  ChatRequest r = decode_ok(
      body_with(R"("stop":["a","b","c","d"],"stream":true,"stream_options":{"include_usage":true},)"
                R"("user":"u","reasoning_effort":"high","parallel_tool_calls":false)"));
  EXPECT_EQ(r.stop, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.user, "u");
  EXPECT_EQ(r.reasoning_effort, "high");
  EXPECT_EQ(r.parallel_tool_calls, false);
  EXPECT_EQ(decode_ok(body_with(R"("stop":"x")")).stop, (std::vector<std::string>{"x"}));
}

TEST(OpenAIRequestDecoder, DecodesContentParts) {
  ChatRequest r = decode_ok(R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"text","text":"look"},
      {"type":"image_url","image_url":{"url":"https://x/a.png","detail":"high"}},
      {"type":"image_url","image_url":"https://x/b.png"},
      {"type":"input_audio","input_audio":{"data":"AAA=","format":"mp3"}},
      {"type":"file","file":{"file_id":"file-1"}}]}]})");
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& parts = r.messages[0].parts;
  EXPECT_FALSE(r.messages[0].content_is_text);
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[0].type, ContentPart::Type::kText);
  EXPECT_EQ(parts[0].text, "look");
  EXPECT_EQ(parts[1].type, ContentPart::Type::kImageUrl);
  EXPECT_EQ(parts[1].url, "https://x/a.png");
  EXPECT_EQ(parts[1].detail, "high");
  EXPECT_EQ(parts[2].url, "https://x/b.png");
  EXPECT_EQ(parts[2].detail, "");
  EXPECT_EQ(parts[3].type, ContentPart::Type::kOpaque);
  EXPECT_EQ(json::serialize(parts[3].part),
            R"({"type":"input_audio","input_audio":{"data":"AAA=","format":"mp3"}})");
  EXPECT_EQ(parts[4].type, ContentPart::Type::kOpaque);
  EXPECT_EQ(parts[4].part.at("file").at("file_id"), "file-1");
}

TEST(OpenAIRequestDecoder, DecodesToolConversation) {
  ChatRequest r = decode_ok(R"({"model":"m","messages":[
      {"role":"system","content":"s"},
      {"role":"developer","content":"d"},
      {"role":"user","content":"weather?","name":"bob"},
      {"role":"assistant","content":null,"reasoning_content":"need tool","tool_calls":[
        {"id":"call_1","type":"function","function":{"name":"w","arguments":"{\"c\":1}"}},
        {"id":"call_2","function":{"name":"t","arguments":""}}]},
      {"role":"tool","tool_call_id":"call_1","content":"sunny"},
      {"role":"assistant","content":"It is sunny.","reasoning":"done"}]})");
  ASSERT_EQ(r.messages.size(), 6u);
  EXPECT_EQ(r.messages[0].role, Role::kSystem);
  EXPECT_EQ(r.messages[1].role, Role::kDeveloper);
  EXPECT_EQ(r.messages[2].name, "bob");
  const Message& a = r.messages[3];
  EXPECT_EQ(a.role, Role::kAssistant);
  EXPECT_FALSE(a.has_content());
  EXPECT_EQ(a.reasoning, "need tool");
  ASSERT_EQ(a.tool_calls.size(), 2u);
  EXPECT_EQ(a.tool_calls[0].id, "call_1");
  EXPECT_EQ(a.tool_calls[0].name, "w");
  EXPECT_EQ(a.tool_calls[0].arguments, "{\"c\":1}");
  EXPECT_EQ(a.tool_calls[1].arguments, "");
  EXPECT_EQ(r.messages[4].role, Role::kTool);
  EXPECT_EQ(r.messages[4].tool_call_id, "call_1");
  EXPECT_EQ(r.messages[5].reasoning, "done");
}

TEST(OpenAIRequestDecoder, AssistantWithoutContentOrToolCallsIsAccepted) {
  ChatRequest r =
      decode_ok(R"({"model":"m","messages":[{"role":"assistant"},{"role":"user","content":"x"}]})");
  EXPECT_FALSE(r.messages[0].has_content());
}

TEST(OpenAIRequestDecoder, DecodesToolsToolChoiceAndResponseFormat) {
  ChatRequest r = decode_ok(body_with(
      R"("tools":[{"type":"function","function":{"name":"f","description":"does f",)"
      R"("parameters":{"type":"object"},"strict":true}},{"type":"function","function":{"name":"g"}}],)"
      R"("tool_choice":{"type":"function","function":{"name":"g"}},)"
      R"("response_format":{"type":"json_schema","json_schema":{"name":"out","description":"d",)"
      R"("schema":{"type":"object"},"strict":false}})"));
  ASSERT_EQ(r.tools.size(), 2u);
  EXPECT_EQ(r.tools[0].name, "f");
  EXPECT_EQ(r.tools[0].description, "does f");
  EXPECT_EQ(json::serialize(r.tools[0].parameters), R"({"type":"object"})");
  EXPECT_EQ(r.tools[0].strict, true);
  EXPECT_TRUE(r.tools[1].parameters.is_null());
  EXPECT_FALSE(r.tools[1].strict.has_value());
  EXPECT_EQ(r.tool_choice.mode, ToolChoice::Mode::kFunction);
  EXPECT_EQ(r.tool_choice.function, "g");
  EXPECT_EQ(r.response_format.type, ResponseFormat::Type::kJsonSchema);
  EXPECT_EQ(r.response_format.name, "out");
  EXPECT_EQ(r.response_format.description, "d");
  EXPECT_EQ(json::serialize(r.response_format.schema), R"({"type":"object"})");
  EXPECT_EQ(r.response_format.strict, false);

  EXPECT_EQ(decode_ok(body_with(R"("tool_choice":"none")")).tool_choice.mode,
            ToolChoice::Mode::kNone);
  EXPECT_EQ(decode_ok(body_with(R"("tool_choice":"auto")")).tool_choice.mode,
            ToolChoice::Mode::kAuto);
  EXPECT_EQ(
      decode_ok(body_with(R"("response_format":{"type":"json_object"})")).response_format.type,
      ResponseFormat::Type::kJsonObject);
  EXPECT_EQ(decode_ok(body_with(R"("response_format":{"type":"text"})")).response_format.type,
            ResponseFormat::Type::kText);
}

TEST(OpenAIRequestDecoder, DecodesTensorZeroExtensions) {
  std::string episode = ids::uuid_v7();
  ChatRequest r = decode_ok(
      body_with(R"("tensorzero::episode_id":")" + episode +
                R"(","tensorzero::tags":{"team":"a"},"tensorzero::credentials":{"k":"secret"},)"
                R"("tensorzero::dryrun":true)"));
  EXPECT_EQ(r.episode_id, episode);
  EXPECT_EQ(r.tags.at("team"), "a");
  EXPECT_EQ(r.credentials.at("k"), "secret");
  EXPECT_TRUE(r.dryrun);
}

std::string nested_arrays(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(OpenAIRequestDecoder, RejectsJsonNestedDeeperThan64Levels) {
  // The body object is level 1: an unknown field holding 63 arrays reaches exactly 64.
  decode_ok(body_with(R"("x":)" + nested_arrays(63)));
  auto r = decode_chat_request(body_with(R"("x":)" + nested_arrays(64)));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidJson);
  EXPECT_TRUE(r.error().message.starts_with("request body nests deeper than 64 levels at line 1"))
      << r.error().message;
  auto deep = decode_chat_request(nested_arrays(100000));  // no stack overflow
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().code, ErrorCode::kInvalidJson);
}

TEST(OpenAIRequestDecoder, ParseJsonBodyReturnsTheValue) {
  auto v = parse_json_body(" {\"a\": [1, 2]}\n");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->at("a").as_array().size(), 2u);
  EXPECT_FALSE(parse_json_body("   ").has_value());
}

}  // namespace
}  // namespace sb::api::openai
