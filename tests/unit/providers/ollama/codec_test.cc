#include "providers/ollama/codec.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "../openai/golden.h"
#include "api/openai/request_decoder.h"
#include "providers/ollama/request_encoder.h"

namespace sb::providers::ollama {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::headers_json;
using sb::testing::provider_from;
using sb::testing::read_json;
using sb::testing::stem;
using sb::testing::str;

const Codec& ollama() {
  const Descriptor* d = find_descriptor("ollama");
  return codec_for(d->family);
}

void expect_request(const std::expected<OutboundRequest, Error>& out, const json::object& golden) {
  if (const json::value* e = golden.if_contains("expected_error")) {
    ASSERT_FALSE(out.has_value()) << out->body;
    EXPECT_EQ(error_code_name(out.error().code), str(e->at("code")));
    EXPECT_EQ(out.error().param, str(e->at("param")));
    EXPECT_EQ(out.error().message, str(e->at("message")));
    return;
  }
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const json::object& expected = golden.at("expected").as_object();
  EXPECT_EQ(out->method, "POST");
  EXPECT_EQ(out->url, str(expected.at("url")));
  EXPECT_EQ(json::value(headers_json(out->headers)), expected.at("headers"))
      << json::serialize(headers_json(out->headers));
  json::value body = json::parse(out->body);
  EXPECT_EQ(body, expected.at("body"))
      << "got:      " << out->body << "\nexpected: " << json::serialize(expected.at("body"));
}

TEST(OllamaCodec, EncodesEveryChatRequestGolden) {
  auto files = files_in("ollama/requests", ".json");
  ASSERT_GE(files.size(), 10u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    const json::object& t = golden.at("target").as_object();
    config::ProviderConfig provider = provider_from(t);
    Target target{
        .provider = &provider, .base_url = str(t.at("base_url")), .api_key = str(t.at("api_key"))};
    auto request = api::openai::decode_chat_request(json::serialize(golden.at("client_request")));
    ASSERT_TRUE(request.has_value()) << request.error().message;
    expect_request(ollama().encode_chat(*request, target), golden);
  }
}

api::FinishReason finish_from(std::string_view s) {
  using F = api::FinishReason;
  for (F f : {F::kStop, F::kLength, F::kToolCalls, F::kContentFilter}) {
    if (api::finish_reason_name(f) == s) return f;
  }
  return F::kNone;
}

TEST(OllamaCodec, DecodesEveryChatResponseGolden) {
  auto files = files_in("ollama/responses", ".json");
  ASSERT_GE(files.size(), 5u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    auto r = ollama().decode_chat(json::serialize(golden.at("body")));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const json::object& e = golden.at("expected").as_object();
    EXPECT_EQ(r->model, str(e.at("model")));
    EXPECT_EQ(r->has_text, e.at("has_text").as_bool());
    EXPECT_EQ(r->text, str(e.at("text")));
    EXPECT_EQ(r->reasoning, str(e.at("reasoning")));
    const json::array& calls = e.at("tool_calls").as_array();
    ASSERT_EQ(r->tool_calls.size(), calls.size());
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(r->tool_calls[i].id, str(calls[i].at("id")));
      EXPECT_EQ(r->tool_calls[i].name, str(calls[i].at("name")));
      EXPECT_EQ(r->tool_calls[i].arguments, str(calls[i].at("arguments")));
    }
    EXPECT_EQ(r->finish_reason, finish_from(str(e.at("finish_reason"))));
    if (e.at("usage").is_null()) {
      EXPECT_FALSE(r->usage.has_value());
    } else {
      ASSERT_TRUE(r->usage.has_value());
      EXPECT_EQ(r->usage->input_tokens, e.at("usage").at("input_tokens").as_int64());
      EXPECT_EQ(r->usage->output_tokens, e.at("usage").at("output_tokens").as_int64());
    }
  }
}

TEST(OllamaCodec, ResponseWithoutMessageOrNotJsonIsBadResponse) {
  for (std::string_view body :
       {R"({"model":"m","done":true})", R"({"message":"x"})", "[1]", "{\"message\": {"}) {
    auto r = ollama().decode_chat(body);
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse) << body;
  }
}

TEST(OllamaCodec, SuccessStatusCarryingAnErrorBodyIsAnError) {
  auto r = ollama().decode_chat(R"({"error":"llama runner process has terminated"})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "upstream reported an error: llama runner process has terminated");
}

TEST(OllamaCodec, MapsErrorResponses) {
  auto e = ollama().decode_error(404, {}, R"({"error":"model 'nope' not found"})");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamClientError);
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.message, "upstream returned 404: model 'nope' not found");

  e = ollama().decode_error(400, {}, R"({"error":"the input length exceeds the context length"})");
  EXPECT_EQ(e.code, ErrorCode::kContextLengthExceeded);

  e = ollama().decode_error(503, {{"Retry-After", "2"}}, R"({"error":"server busy"})");
  EXPECT_EQ(e.code, ErrorCode::kUpstreamServerError);
  EXPECT_EQ(e.retry_after_ms, 2000);

  e = ollama().decode_error(500, {}, "plain text");
  EXPECT_EQ(e.message, "upstream returned 500: plain text");
}

TEST(OllamaCodec, MissingModelNameOrBaseIsAConfigError) {
  config::ProviderConfig p{.name = "local", .type = "ollama"};
  Target target{.provider = &p, .base_url = "http://localhost:11434"};
  api::ChatRequest r;
  auto out = ollama().encode_chat(r, target);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
  EXPECT_EQ(out.error().message, "provider 'local' has no model_name");

  p.model_name = "m";
  target.base_url = "/";
  out = ollama().encode_chat(r, target);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
}

TEST(OllamaCodec, ThinkValueFollowsTheModel) {
  EXPECT_TRUE(think_value("", "qwen3").is_null());
  EXPECT_EQ(think_value("none", "qwen3"), json::value(false));
  EXPECT_EQ(think_value("none", "gpt-oss:20b"), json::value(false));
  for (std::string_view effort : {"minimal", "low", "medium", "high"}) {
    EXPECT_EQ(think_value(effort, "deepseek-r1:8b"), json::value(true)) << effort;
  }
  EXPECT_EQ(think_value("minimal", "gpt-oss:20b"), json::value("low"));
  EXPECT_EQ(think_value("low", "gpt-oss:20b"), json::value("low"));
  EXPECT_EQ(think_value("medium", "gpt-oss:120b"), json::value("medium"));
  EXPECT_EQ(think_value("high", "gpt-oss"), json::value("high"));
}

api::EmbeddingRequest embedding_request_from(const json::object& r) {
  api::EmbeddingRequest out;
  for (const json::value& s : r.at("input").as_array()) out.input.emplace_back(s.as_string());
  if (const json::value* d = r.if_contains("dimensions")) out.dimensions = d->as_int64();
  if (const json::value* u = r.if_contains("user")) out.user = str(*u);
  if (const json::value* b = r.if_contains("base64")) out.base64 = b->as_bool();
  return out;
}

TEST(OllamaCodec, EncodesEveryEmbeddingRequestGolden) {
  EXPECT_TRUE(ollama().supports_embeddings());
  auto files = files_in("ollama/embed_requests", ".json");
  ASSERT_GE(files.size(), 2u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    const json::object& t = golden.at("target").as_object();
    config::ProviderConfig provider = provider_from(t);
    Target target{
        .provider = &provider, .base_url = str(t.at("base_url")), .api_key = str(t.at("api_key"))};
    api::EmbeddingRequest request = embedding_request_from(golden.at("request").as_object());
    expect_request(ollama().encode_embeddings(request, target), golden);
  }
}

// Shared with the OpenAI-family embeddings test: vectors compared as floats.
void expect_embeddings(const std::expected<api::EmbeddingResponse, Error>& r,
                       const json::object& golden) {
  if (const json::value* e = golden.if_contains("expected_error")) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(error_code_name(r.error().code), str(e->at("code")));
    EXPECT_EQ(r.error().message, str(e->at("message")));
    return;
  }
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const json::object& e = golden.at("expected").as_object();
  EXPECT_EQ(r->model, str(e.at("model")));
  EXPECT_EQ(r->input_tokens, e.at("input_tokens").as_int64());
  const json::array& vectors = e.at("vectors").as_array();
  ASSERT_EQ(r->vectors.size(), vectors.size());
  for (size_t i = 0; i < vectors.size(); ++i) {
    const json::array& v = vectors[i].as_array();
    ASSERT_EQ(r->vectors[i].size(), v.size());
    for (size_t k = 0; k < v.size(); ++k) {
      EXPECT_EQ(r->vectors[i][k], static_cast<float>(v[k].to_number<double>())) << i << "," << k;
    }
  }
}

TEST(OllamaCodec, DecodesEveryEmbeddingResponseGolden) {
  auto files = files_in("ollama/embed_responses", ".json");
  ASSERT_GE(files.size(), 3u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    expect_embeddings(ollama().decode_embeddings(json::serialize(golden.at("body"))), golden);
  }
}

}  // namespace
}  // namespace sb::providers::ollama
