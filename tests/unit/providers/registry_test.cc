#include <set>

#include <gtest/gtest.h>

#include "providers/provider.h"

namespace sb::providers {
namespace {

TEST(ProviderRegistry, TypesAreUniqueAndFindable) {
  std::set<std::string_view> seen;
  for (const Descriptor& d : descriptors()) {
    EXPECT_TRUE(seen.insert(d.type).second) << d.type;
    EXPECT_EQ(find_descriptor(d.type), &d);
  }
  EXPECT_EQ(seen.size(), 17u);
  EXPECT_EQ(find_descriptor("nope"), nullptr);
  EXPECT_EQ(find_descriptor(""), nullptr);
  EXPECT_EQ(find_descriptor("OpenAI"), nullptr);  // types are case-sensitive, as in TensorZero
}

TEST(ProviderRegistry, HostedOpenAICompatibleTypesHaveBaseKeyAndShorthand) {
  struct Row {
    std::string_view type, base, env;
  };
  for (Row r : {Row{"openai", "https://api.openai.com/v1", "OPENAI_API_KEY"},
                Row{"openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"},
                Row{"together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"},
                Row{"groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"},
                Row{"deepseek", "https://api.deepseek.com", "DEEPSEEK_API_KEY"},
                Row{"xai", "https://api.x.ai/v1", "XAI_API_KEY"},
                Row{"mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"},
                Row{"fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"},
                Row{"hyperbolic", "https://api.hyperbolic.xyz/v1", "HYPERBOLIC_API_KEY"},
                Row{"venice", "https://api.venice.ai/api/v1", "VENICE_API_KEY"}}) {
    SCOPED_TRACE(r.type);
    const Descriptor* d = find_descriptor(r.type);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->family, Family::kOpenAI);
    EXPECT_EQ(d->default_base_url, r.base);
    EXPECT_EQ(d->default_key_env, r.env);
    EXPECT_TRUE(d->supports_shorthand);
    EXPECT_FALSE(d->key_optional);
    EXPECT_TRUE(d->implemented);
    EXPECT_EQ(d->openai_path_prefix, "");
  }
}

TEST(ProviderRegistry, SelfHostedTypesNeedApiBaseAndMayHaveNoKey) {
  for (std::string_view type : {"vllm", "sglang", "tgi"}) {
    SCOPED_TRACE(type);
    const Descriptor* d = find_descriptor(type);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->family, Family::kOpenAI);
    EXPECT_EQ(d->default_base_url, "");
    EXPECT_FALSE(d->supports_shorthand);
    EXPECT_TRUE(d->key_optional);
  }
  EXPECT_EQ(find_descriptor("vllm")->default_key_env, "VLLM_API_KEY");
  EXPECT_EQ(find_descriptor("sglang")->default_key_env, "SGLANG_API_KEY");
  EXPECT_EQ(find_descriptor("tgi")->default_key_env, "TGI_API_KEY");
}

TEST(ProviderRegistry, OllamaSpeaksItsNativeApiWithoutKey) {
  const Descriptor* d = find_descriptor("ollama");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->family, Family::kOllama);
  EXPECT_EQ(d->default_base_url, "http://localhost:11434");
  EXPECT_EQ(d->default_key_env, "");
  EXPECT_TRUE(d->key_optional);
  EXPECT_TRUE(d->supports_shorthand);
  EXPECT_EQ(d->openai_path_prefix, "");
  EXPECT_NE(&codec_for(Family::kOllama), &codec_for(Family::kOpenAI));
  EXPECT_TRUE(codec_for(Family::kOllama).supports_embeddings());
}

TEST(ProviderRegistry, AzureIsImplementedWithItsOwnCodec) {
  const Descriptor* d = find_descriptor("azure");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->family, Family::kAzure);
  EXPECT_EQ(d->default_base_url, "");  // each provider's endpoint
  EXPECT_EQ(d->default_key_env, "AZURE_API_KEY");
  EXPECT_FALSE(d->key_optional);
  EXPECT_TRUE(d->implemented);
  EXPECT_NE(&codec_for(Family::kAzure), &codec_for(Family::kOpenAI));
  EXPECT_TRUE(codec_for(Family::kAzure).supports_embeddings());
}

TEST(ProviderRegistry, AnthropicAndGeminiHaveTheirOwnCodecs) {
  struct Row {
    std::string_view type;
    Family family;
    std::string_view base, env;
  };
  for (Row r :
       {Row{"anthropic", Family::kAnthropic, "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"},
        Row{"google_ai_studio_gemini", Family::kGemini,
            "https://generativelanguage.googleapis.com/v1beta", "GOOGLE_AI_STUDIO_API_KEY"}}) {
    SCOPED_TRACE(r.type);
    const Descriptor* d = find_descriptor(r.type);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->family, r.family);
    EXPECT_EQ(d->default_base_url, r.base);
    EXPECT_EQ(d->default_key_env, r.env);
    EXPECT_TRUE(d->implemented);
    EXPECT_NE(&codec_for(r.family), &codec_for(Family::kOpenAI));
  }
}

}  // namespace
}  // namespace sb::providers
