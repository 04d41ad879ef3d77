#include "providers/openai/codec.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/openai/request_decoder.h"
#include "golden.h"
#include "providers/openai/request_encoder.h"
#include "providers/openai/request_text.h"

namespace sb::providers::openai {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::headers_json;
using sb::testing::provider_from;
using sb::testing::read_json;
using sb::testing::stem;
using sb::testing::str;

TEST(OpenAICodec, EncodesEveryRequestGolden) {
  auto files = files_in("openai/requests", ".json");
  ASSERT_GE(files.size(), 6u);  // Ollama's goldens moved to testdata/ollama (native codec)
  const Codec& codec = codec_for(Family::kOpenAI);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    const json::object& t = golden.at("target").as_object();
    config::ProviderConfig provider = provider_from(t);
    Target target{
        .provider = &provider, .base_url = str(t.at("base_url")), .api_key = str(t.at("api_key"))};
    auto request = api::openai::decode_chat_request(json::serialize(golden.at("client_request")));
    ASSERT_TRUE(request.has_value()) << request.error().message;
    const Descriptor* d = find_descriptor(provider.type);
    ASSERT_NE(d, nullptr);
    auto out = codec_for(d->family).encode_chat(*request, target);
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(&codec_for(d->family), &codec);
    const json::object& expected = golden.at("expected").as_object();
    EXPECT_EQ(out->method, "POST");
    EXPECT_EQ(out->url, str(expected.at("url")));
    EXPECT_EQ(json::value(headers_json(out->headers)), expected.at("headers"))
        << json::serialize(headers_json(out->headers));
    json::value body = json::parse(out->body);
    EXPECT_EQ(body, expected.at("body"))
        << "got:      " << out->body << "\nexpected: " << json::serialize(expected.at("body"));
  }
}

// The upstream body is written as text; the DOM encoder is kept for the record builder. Both must
// give the same document with the same key order, for every golden request and every dialect.
TEST(OpenAIRequestText, MatchesTheDomEncoderKeyForKey) {
  for (std::string_view dir : {"openai/requests"}) {
    for (const std::string& file : files_in(dir, ".json")) {
      SCOPED_TRACE(stem(file));
      json::object golden = read_json(file).as_object();
      auto request = api::openai::decode_chat_request(json::serialize(golden.at("client_request")));
      ASSERT_TRUE(request.has_value()) << request.error().message;
      for (std::string_view type : {"openai", "openrouter", "mistral", "azure", "vllm"}) {
        const Dialect& d = dialect_for(type);
        std::string text = encode_request_text(*request, "up-model", d);
        EXPECT_EQ(json::serialize(json::parse(text)),
                  json::serialize(encode_request_body(*request, "up-model", d)))
            << type;
      }
    }
  }
}

api::ChatRequest hello_request() {
  api::ChatRequest r;
  r.model = "m";
  api::Message m;
  m.content_is_text = true;
  m.text = "hi";
  r.messages.push_back(m);
  return r;
}

TEST(OpenAICodec, SelfHostedTypeWithoutApiBaseIsAConfigError) {
  config::ProviderConfig p{.name = "gpu", .type = "vllm", .model_name = "qwen"};
  auto out = codec_for(Family::kOpenAI).encode_chat(hello_request(), Target{.provider = &p});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
  EXPECT_EQ(out.error().message,
            "provider 'gpu' (type vllm) needs api_base: the type has no default");
}

TEST(OpenAICodec, MissingModelNameIsAConfigErrorExceptForTgi) {
  config::ProviderConfig p{.name = "x", .type = "openai"};
  Target target{.provider = &p, .base_url = "https://api.openai.com/v1", .api_key = "k"};
  auto out = codec_for(Family::kOpenAI).encode_chat(hello_request(), target);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);

  p.type = "tgi";
  target.base_url = "http://tgi:8080/v1";
  out = codec_for(Family::kOpenAI).encode_chat(hello_request(), target);
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(json::parse(out->body).at("model"), "tgi");
}

TEST(OpenAICodec, ExtraHeadersFollowAuthorization) {
  config::ProviderConfig p{.name = "x", .type = "groq", .model_name = "llama-3.1-8b-instant"};
  p.extra_headers = {{"X-Trace", "1"}};
  Target target{.provider = &p, .base_url = "https://api.groq.com/openai/v1", .api_key = "gk"};
  auto out = codec_for(Family::kOpenAI).encode_chat(hello_request(), target);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->url, "https://api.groq.com/openai/v1/chat/completions");
  ASSERT_EQ(out->headers.size(), 3u);
  EXPECT_EQ(*find_header(out->headers, "authorization"), "Bearer gk");
  EXPECT_EQ(out->headers[2], (std::pair<std::string, std::string>{"X-Trace", "1"}));
}

api::FinishReason finish_from(std::string_view s) {
  using F = api::FinishReason;
  for (F f : {F::kStop, F::kLength, F::kToolCalls, F::kContentFilter}) {
    if (api::finish_reason_name(f) == s) return f;
  }
  return F::kNone;
}

TEST(OpenAICodec, DecodesEveryResponseGolden) {
  auto files = files_in("openai/responses", ".json");
  ASSERT_GE(files.size(), 6u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    auto r = codec_for(Family::kOpenAI).decode_chat(json::serialize(golden.at("body")));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const json::object& e = golden.at("expected").as_object();
    EXPECT_EQ(r->id, str(e.at("id")));
    EXPECT_EQ(r->model, str(e.at("model")));
    EXPECT_EQ(r->created, e.at("created").as_int64());
    EXPECT_EQ(r->system_fingerprint, str(e.at("system_fingerprint")));
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
      const json::value& u = e.at("usage");
      EXPECT_EQ(r->usage->input_tokens, u.at("input_tokens").as_int64());
      EXPECT_EQ(r->usage->output_tokens, u.at("output_tokens").as_int64());
      EXPECT_EQ(r->usage->reasoning_tokens, u.at("reasoning_tokens").as_int64());
      EXPECT_EQ(r->usage->cache_read_tokens, u.at("cache_read_tokens").as_int64());
    }
  }
}

TEST(OpenAICodec, ResponseWithoutChoicesIsBadResponse) {
  const Codec& codec = codec_for(Family::kOpenAI);
  for (std::string_view body : {R"({"id":"x","model":"m"})", R"({"choices":[]})",
                                R"({"choices":{}})", R"({"choices":[1]})"}) {
    auto r = codec.decode_chat(body);
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse);
    EXPECT_EQ(r.error().message, "upstream response has no choices");
  }
}

TEST(OpenAICodec, UnparseableResponseIsBadResponse) {
  auto r = codec_for(Family::kOpenAI).decode_chat("{\"choices\": [");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse);
  EXPECT_TRUE(r.error().message.starts_with("upstream response is not valid JSON"))
      << r.error().message;
  r = codec_for(Family::kOpenAI).decode_chat("[1]");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse);
}

TEST(OpenAICodec, SuccessStatusCarryingAnErrorBodyIsAnError) {
  auto r = codec_for(Family::kOpenAI)
               .decode_chat(R"({"error":{"code":502,"message":"Provider returned error"}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamServerError);
  EXPECT_EQ(r.error().status, 502);
  EXPECT_EQ(r.error().message, "upstream returned 502: Provider returned error");
}

TEST(OpenAICodec, StreamDecoderIsFreshPerCall) {
  auto a = codec_for(Family::kOpenAI).stream_decoder();
  auto b = codec_for(Family::kOpenAI).stream_decoder();
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a.get(), b.get());
  EXPECT_FALSE(a->finished());
  EXPECT_EQ(a->malformed(), 0);
}

}  // namespace
}  // namespace sb::providers::openai
