#include "routing/resolver.h"

#include <gtest/gtest.h>

namespace sb::routing {
namespace {

config::ProviderConfig provider(std::string name, std::string type, std::string model_name) {
  config::ProviderConfig p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.model_name = std::move(model_name);
  return p;
}

config::ModelConfig model(std::string name, config::ModelKind kind,
                          std::vector<config::ProviderConfig> providers,
                          std::vector<std::string> fallbacks = {}) {
  config::ModelConfig m;
  m.name = std::move(name);
  m.kind = kind;
  m.providers = std::move(providers);
  m.fallbacks = std::move(fallbacks);
  return m;
}

std::shared_ptr<const config::Config> sample() {
  auto c = std::make_shared<config::Config>();
  using K = config::ModelKind;
  c->models["gemma_chat"] =
      model("gemma_chat", K::kChat, {provider("ollama", "ollama", "gemma:2b")});
  c->embedding_models["gemma_embed"] =
      model("gemma_embed", K::kEmbedding, {provider("ollama", "ollama", "gemma:2b")});
  c->models["primary"] =
      model("primary", K::kChat,
            {provider("a", "openai", "gpt-a"), provider("b", "openrouter", "x/y")}, {"backup"});
  c->models["backup"] = model("backup", K::kChat, {provider("c", "openai", "gpt-c")}, {"primary"});
  c->models["twin1"] = model("twin1", K::kChat, {provider("p", "openai", "shared-name")});
  c->models["twin2"] = model("twin2", K::kChat, {provider("p", "openai", "shared-name")});
  return c;
}

TEST(Resolver, ConfiguredKeyWins) {
  Resolver r(sample());
  auto res = r.resolve("primary", config::ModelKind::kChat);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->model->name, "primary");
}

TEST(Resolver, CandidatesAreRoutingOrderThenFallbacksWithoutRepeats) {
  Resolver r(sample());
  auto res = r.resolve("primary", config::ModelKind::kChat);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->candidates.size(), 3u);  // backup falls back to primary again: not repeated
  EXPECT_EQ(res->candidates[0].provider->name, "a");
  EXPECT_EQ(res->candidates[1].provider->name, "b");
  EXPECT_EQ(res->candidates[2].model->name, "backup");
}

TEST(Resolver, ModelNamePrefixIsStripped) {
  Resolver r(sample());
  auto res = r.resolve("tensorzero::model_name::backup", config::ModelKind::kChat);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->model->name, "backup");
}

TEST(Resolver, FunctionNameIsA400) {
  Resolver r(sample());
  auto res = r.resolve("tensorzero::function_name::haiku", config::ModelKind::kChat);
  ASSERT_FALSE(res);
  EXPECT_EQ(to_http(res.error()).status, 400);
  EXPECT_NE(res.error().message.find("haiku"), std::string::npos);
}

TEST(Resolver, ProviderSideNameResolvesPerEndpointKind) {
  Resolver r(sample());
  auto chat = r.resolve("gemma:2b", config::ModelKind::kChat);
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->model->name, "gemma_chat");
  auto embed = r.resolve("gemma:2b", config::ModelKind::kEmbedding);
  ASSERT_TRUE(embed);
  EXPECT_EQ(embed->model->name, "gemma_embed");
}

TEST(Resolver, ProviderSideNameSharedByTwoModelsIsAmbiguous) {
  Resolver r(sample());
  auto res = r.resolve("shared-name", config::ModelKind::kChat);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kAmbiguousModel);
  EXPECT_NE(res.error().message.find("twin1"), std::string::npos);
  EXPECT_NE(res.error().message.find("twin2"), std::string::npos);
}

TEST(Resolver, ShorthandMakesAnAdHocModel) {
  Resolver r(sample());
  auto res = r.resolve("openrouter::openai/gpt-oss-20b", config::ModelKind::kChat);
  ASSERT_TRUE(res) << res.error().message;
  ASSERT_EQ(res->candidates.size(), 1u);
  EXPECT_EQ(res->candidates[0].provider->type, "openrouter");
  EXPECT_EQ(res->candidates[0].provider->model_name, "openai/gpt-oss-20b");
  auto prefixed = r.resolve("tensorzero::model_name::openai::gpt-4o", config::ModelKind::kChat);
  ASSERT_TRUE(prefixed);
  EXPECT_EQ(prefixed->candidates[0].provider->model_name, "gpt-4o");
}

TEST(Resolver, UnknownModelIs404ListingWhatWasTried) {
  Resolver r(sample());
  auto res = r.resolve("nope", config::ModelKind::kChat);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kModelNotFound);
  EXPECT_EQ(to_http(res.error()).status, 404);
  EXPECT_NE(res.error().message.find("tried"), std::string::npos);
  auto bad_type = r.resolve("nosuchtype::model", config::ModelKind::kChat);
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().code, ErrorCode::kModelNotFound);
}

TEST(Resolver, ModelOfTheOtherKindIsA400) {
  Resolver r(sample());
  auto res = r.resolve("gemma_embed", config::ModelKind::kChat);
  ASSERT_FALSE(res);
  EXPECT_EQ(to_http(res.error()).status, 400);
}

}  // namespace
}  // namespace sb::routing
