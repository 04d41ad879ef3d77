#include "providers/gemini/embeddings.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "providers/gemini/codec.h"

namespace sb::providers::gemini {
namespace {

namespace json = boost::json;

const Codec& codec() {
  return codec_for(Family::kGemini);
}

config::ProviderConfig embedder() {
  return config::ProviderConfig{.name = "emb",
                                .type = "google_ai_studio_gemini",
                                .model_name = "models/gemini-embedding-001"};
}

TEST(GeminiEmbeddings, OneInputUsesEmbedContent) {
  config::ProviderConfig p = embedder();
  api::EmbeddingRequest request{.model = "emb", .input = {"hello"}, .dimensions = 768};
  auto out = codec().encode_embeddings(
      request, Target{.provider = &p, .base_url = "https://g/v1beta", .api_key = "k"});
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(out->url, "https://g/v1beta/models/gemini-embedding-001:embedContent");
  EXPECT_EQ(*find_header(out->headers, "x-goog-api-key"), "k");
  EXPECT_EQ(json::parse(out->body), json::parse(R"({"model":"models/gemini-embedding-001",
                            "content":{"parts":[{"text":"hello"}]},
                            "outputDimensionality":768})"));
}

TEST(GeminiEmbeddings, SeveralInputsUseBatchEmbedContents) {
  config::ProviderConfig p = embedder();
  api::EmbeddingRequest request{.model = "emb", .input = {"a", "b"}};
  auto out =
      codec().encode_embeddings(request, Target{.provider = &p, .base_url = "https://g/v1beta"});
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(out->url, "https://g/v1beta/models/gemini-embedding-001:batchEmbedContents");
  EXPECT_EQ(find_header(out->headers, "x-goog-api-key"), nullptr);
  EXPECT_EQ(json::parse(out->body), json::parse(R"({"requests":[
      {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]}},
      {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]}}]})"));
}

TEST(GeminiEmbeddings, NoInputIsAnInvalidRequest) {
  config::ProviderConfig p = embedder();
  auto out = codec().encode_embeddings(api::EmbeddingRequest{.model = "emb"},
                                       Target{.provider = &p, .base_url = "https://g/v1beta"});
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(out.error().param, "input");
}

TEST(GeminiEmbeddings, DecodesOneAndManyVectorsInOrder) {
  auto one = codec().decode_embeddings(R"({"embedding":{"values":[0.5,-1,2.25]}})");
  ASSERT_TRUE(one.has_value()) << one.error().message;
  ASSERT_EQ(one->vectors.size(), 1u);
  EXPECT_EQ(one->vectors[0], (std::vector<float>{0.5f, -1.0f, 2.25f}));
  EXPECT_EQ(one->input_tokens, 0);
  EXPECT_EQ(one->model, "");

  auto many = codec().decode_embeddings(
      R"({"embeddings":[{"values":[1]},{"values":[2,3]}],"usageMetadata":{"promptTokenCount":4}})");
  ASSERT_TRUE(many.has_value()) << many.error().message;
  ASSERT_EQ(many->vectors.size(), 2u);
  EXPECT_EQ(many->vectors[1], (std::vector<float>{2.0f, 3.0f}));
  EXPECT_EQ(many->input_tokens, 4);
}

TEST(GeminiEmbeddings, MalformedBodiesAreBadResponses) {
  for (std::string_view body :
       {"{", R"({"embeddings":[{"values":["x"]}]})", R"({"embedding":{}})", R"({"nothing":1})"}) {
    SCOPED_TRACE(body);
    auto r = codec().decode_embeddings(body);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUpstreamBadResponse);
  }
  auto r = codec().decode_embeddings(
      R"({"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamClientError);
}

}  // namespace
}  // namespace sb::providers::gemini
