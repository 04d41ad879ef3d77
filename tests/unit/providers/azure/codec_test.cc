#include "providers/azure/codec.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "../openai/golden.h"
#include "api/openai/request_decoder.h"

namespace sb::providers::azure {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::headers_json;
using sb::testing::read_json;
using sb::testing::stem;
using sb::testing::str;

std::string opt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? str(*v) : std::string();
}

config::ProviderConfig provider_from(const json::object& t) {
  config::ProviderConfig p;
  p.name = str(t.at("name"));
  p.type = str(t.at("type"));
  p.model_name = opt(t, "model_name");
  p.deployment_id = opt(t, "deployment_id");
  p.endpoint = opt(t, "endpoint");
  p.api_version = opt(t, "api_version");
  if (const json::value* h = t.if_contains("extra_headers")) {
    for (const json::value& kv : h->as_array()) {
      p.extra_headers.emplace_back(str(kv.as_array()[0]), str(kv.as_array()[1]));
    }
  }
  return p;
}

const Codec& azure() {
  return codec_for(find_descriptor("azure")->family);
}

TEST(AzureCodec, BuildsEveryUrlAndHeaderGolden) {
  auto files = files_in("azure", ".json");
  ASSERT_GE(files.size(), 7u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    const json::object& t = golden.at("target").as_object();
    config::ProviderConfig provider = provider_from(t);
    Target target{
        .provider = &provider, .base_url = str(t.at("base_url")), .api_key = str(t.at("api_key"))};
    std::expected<OutboundRequest, Error> out;
    if (str(golden.at("operation")) == "chat") {
      auto request = api::openai::decode_chat_request(json::serialize(golden.at("client_request")));
      ASSERT_TRUE(request.has_value()) << request.error().message;
      out = azure().encode_chat(*request, target);
    } else {
      api::EmbeddingRequest request;
      const json::object& r = golden.at("request").as_object();
      for (const json::value& s : r.at("input").as_array())
        request.input.emplace_back(s.as_string());
      if (const json::value* d = r.if_contains("dimensions")) request.dimensions = d->as_int64();
      request.user = opt(r, "user");
      out = azure().encode_embeddings(request, target);
    }
    if (const json::value* e = golden.if_contains("expected_error")) {
      ASSERT_FALSE(out.has_value()) << out->url;
      EXPECT_EQ(error_code_name(out.error().code), str(e->at("code")));
      EXPECT_EQ(out.error().message, str(e->at("message")));
      continue;
    }
    ASSERT_TRUE(out.has_value()) << out.error().message;
    const json::object& expected = golden.at("expected").as_object();
    EXPECT_EQ(out->url, str(expected.at("url")));
    EXPECT_EQ(json::value(headers_json(out->headers)), expected.at("headers"))
        << json::serialize(headers_json(out->headers));
    EXPECT_EQ(json::parse(out->body), expected.at("body")) << out->body;
  }
}

TEST(AzureCodec, DefaultApiVersionIsTheCurrentGaRelease) {
  EXPECT_EQ(kDefaultApiVersion, "2024-10-21");
}

TEST(AzureCodec, DecodesLikeOpenAI) {
  EXPECT_TRUE(azure().supports_embeddings());
  auto chat = azure().decode_chat(
      R"({"id":"c","model":"gpt-4o-2024-08-06","prompt_filter_results":[],"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}})");
  ASSERT_TRUE(chat.has_value()) << chat.error().message;
  EXPECT_EQ(chat->model, "gpt-4o-2024-08-06");
  EXPECT_EQ(chat->text, "hi");
  auto emb = azure().decode_embeddings(
      R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,0.25]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}})");
  ASSERT_TRUE(emb.has_value()) << emb.error().message;
  EXPECT_EQ(emb->vectors, (std::vector<std::vector<float>>{{0.5f, 0.25f}}));
  EXPECT_EQ(emb->input_tokens, 2);
  auto stream = azure().stream_decoder();
  std::vector<api::StreamChunk> out;
  ASSERT_TRUE(stream->feed(
      "data: {\"choices\":[],\"prompt_filter_results\":[]}\n\n"
      "data: {\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: "
      "[DONE]\n\n",
      out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "x");
  EXPECT_TRUE(stream->finished());
}

TEST(AzureCodec, ContentFilterErrorIsFinal) {
  Error e = azure().decode_error(
      400, {},
      R"({"error":{"code":"content_filter","message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy."}})");
  EXPECT_EQ(e.code, ErrorCode::kContentFiltered);
}

}  // namespace
}  // namespace sb::providers::azure
