#include "providers/openai/embeddings.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "golden.h"
#include "providers/provider.h"

namespace sb::providers::openai {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::headers_json;
using sb::testing::read_json;
using sb::testing::stem;
using sb::testing::str;

TEST(OpenAIEmbeddingsCodec, EncodesEveryUpstreamRequestGolden) {
  auto files = files_in("openai_embeddings/upstream_requests", ".json");
  ASSERT_GE(files.size(), 3u);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    const json::object& t = golden.at("target").as_object();
    config::ProviderConfig p{.name = str(t.at("name")),
                             .type = str(t.at("type")),
                             .model_name = str(t.at("model_name"))};
    Target target{
        .provider = &p, .base_url = str(t.at("base_url")), .api_key = str(t.at("api_key"))};
    const json::object& r = golden.at("request").as_object();
    api::EmbeddingRequest request;
    for (const json::value& s : r.at("input").as_array()) request.input.emplace_back(s.as_string());
    if (const json::value* d = r.if_contains("dimensions")) request.dimensions = d->as_int64();
    if (const json::value* u = r.if_contains("user")) request.user = str(*u);
    if (const json::value* b = r.if_contains("base64")) request.base64 = b->as_bool();
    const Codec& codec = codec_for(find_descriptor(p.type)->family);
    ASSERT_TRUE(codec.supports_embeddings());
    auto out = codec.encode_embeddings(request, target);
    ASSERT_TRUE(out.has_value()) << out.error().message;
    const json::object& expected = golden.at("expected").as_object();
    EXPECT_EQ(out->url, str(expected.at("url")));
    EXPECT_EQ(json::value(headers_json(out->headers)), expected.at("headers"))
        << json::serialize(headers_json(out->headers));
    EXPECT_EQ(json::parse(out->body), expected.at("body")) << out->body;
  }
}

TEST(OpenAIEmbeddingsCodec, DecodesEveryUpstreamResponseGolden) {
  auto files = files_in("openai_embeddings/upstream_responses", ".json");
  ASSERT_GE(files.size(), 6u);
  const Codec& codec = codec_for(Family::kOpenAI);
  for (const std::string& file : files) {
    SCOPED_TRACE(stem(file));
    json::object golden = read_json(file).as_object();
    auto r = codec.decode_embeddings(json::serialize(golden.at("body")));
    if (const json::value* e = golden.if_contains("expected_error")) {
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(error_code_name(r.error().code), str(e->at("code")));
      EXPECT_EQ(r.error().message, str(e->at("message")));
      continue;
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
        EXPECT_EQ(r->vectors[i][k], static_cast<float>(v[k].to_number<double>()));
      }
    }
  }
}

TEST(OpenAIEmbeddingsCodec, MissingModelNameIsAConfigError) {
  config::ProviderConfig p{.name = "x", .type = "openai"};
  Target target{.provider = &p, .base_url = "https://api.openai.com/v1", .api_key = "k"};
  api::EmbeddingRequest request;
  request.input = {"a"};
  auto out = codec_for(Family::kOpenAI).encode_embeddings(request, target);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kConfigInvalid);
}

TEST(OpenAIEmbeddingsCodec, FloatVectorRejectsWhatIsNotAVector) {
  EXPECT_FALSE(float_vector(json::value(1)).has_value());
  EXPECT_FALSE(float_vector(json::parse(R"([1, null])")).has_value());
  EXPECT_FALSE(float_vector(json::value("AAA")).has_value());   // not a whole float
  EXPECT_FALSE(float_vector(json::value("A*AA")).has_value());  // not base64
  auto v = float_vector(json::parse("[1, 2.5, -3]"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, (std::vector<float>{1.0f, 2.5f, -3.0f}));
}

}  // namespace
}  // namespace sb::providers::openai
