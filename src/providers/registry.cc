// The explicit list of provider types this build knows (no static self-registration), and the
// codec for each family.

#include <algorithm>

#include "providers/anthropic/codec.h"
#include "providers/azure/codec.h"
#include "providers/gemini/codec.h"
#include "providers/ollama/codec.h"
#include "providers/openai/codec.h"
#include "providers/provider.h"
#include "providers/unsupported_codec.h"

namespace sb::providers {

namespace {

std::vector<Descriptor> make_descriptors() {
  using enum Family;
  // Key variables and base URLs follow TensorZero's provider types (reference §3); ollama and
  // venice are ours.
  return {
      {.type = "openai",
       .family = kOpenAI,
       .default_base_url = "https://api.openai.com/v1",
       .default_key_env = "OPENAI_API_KEY",
       .supports_shorthand = true},
      {.type = "openrouter",
       .family = kOpenAI,
       .default_base_url = "https://openrouter.ai/api/v1",
       .default_key_env = "OPENROUTER_API_KEY",
       .supports_shorthand = true},
      {.type = "together",
       .family = kOpenAI,
       .default_base_url = "https://api.together.xyz/v1",
       .default_key_env = "TOGETHER_API_KEY",
       .supports_shorthand = true},
      {.type = "groq",
       .family = kOpenAI,
       .default_base_url = "https://api.groq.com/openai/v1",
       .default_key_env = "GROQ_API_KEY",
       .supports_shorthand = true},
      // DeepSeek documents https://api.deepseek.com as its OpenAI base ("/v1" is an alias).
      {.type = "deepseek",
       .family = kOpenAI,
       .default_base_url = "https://api.deepseek.com",
       .default_key_env = "DEEPSEEK_API_KEY",
       .supports_shorthand = true},
      {.type = "xai",
       .family = kOpenAI,
       .default_base_url = "https://api.x.ai/v1",
       .default_key_env = "XAI_API_KEY",
       .supports_shorthand = true},
      {.type = "mistral",
       .family = kOpenAI,
       .default_base_url = "https://api.mistral.ai/v1",
       .default_key_env = "MISTRAL_API_KEY",
       .supports_shorthand = true},
      {.type = "fireworks",
       .family = kOpenAI,
       .default_base_url = "https://api.fireworks.ai/inference/v1",
       .default_key_env = "FIREWORKS_API_KEY",
       .supports_shorthand = true},
      {.type = "hyperbolic",
       .family = kOpenAI,
       .default_base_url = "https://api.hyperbolic.xyz/v1",
       .default_key_env = "HYPERBOLIC_API_KEY",
       .supports_shorthand = true},
      {.type = "venice",
       .family = kOpenAI,
       .default_base_url = "https://api.venice.ai/api/v1",
       .default_key_env = "VENICE_API_KEY",
       .supports_shorthand = true},
      // Self-hosted servers: api_base is required and a key only when the server enforces one.
      {.type = "vllm", .family = kOpenAI, .default_key_env = "VLLM_API_KEY", .key_optional = true},
      {.type = "sglang",
       .family = kOpenAI,
       .default_key_env = "SGLANG_API_KEY",
       .key_optional = true},
      {.type = "tgi", .family = kOpenAI, .default_key_env = "TGI_API_KEY", .key_optional = true},
      // Ollama's native API (/api/chat, /api/embed) at the server root.
      {.type = "ollama",
       .family = kOllama,
       .default_base_url = "http://localhost:11434",
       .supports_shorthand = true,
       .key_optional = true},
      {.type = "anthropic",
       .family = kAnthropic,
       .default_base_url = "https://api.anthropic.com/v1",
       .default_key_env = "ANTHROPIC_API_KEY",
       .supports_shorthand = true},
      {.type = "google_ai_studio_gemini",
       .family = kGemini,
       .default_base_url = "https://generativelanguage.googleapis.com/v1beta",
       .default_key_env = "GOOGLE_AI_STUDIO_API_KEY",
       .supports_shorthand = true},
      // The base URL is each provider's `endpoint` (providers/azure).
      {.type = "azure", .family = kAzure, .default_key_env = "AZURE_API_KEY"},
  };
}

}  // namespace

const std::vector<Descriptor>& descriptors() {
  static const std::vector<Descriptor> list = make_descriptors();
  return list;
}

const Descriptor* find_descriptor(std::string_view type) {
  const auto& list = descriptors();
  auto it =
      std::find_if(list.begin(), list.end(), [&](const Descriptor& d) { return d.type == type; });
  return it == list.end() ? nullptr : &*it;
}

const Codec& codec_for(Family family) {
  static const openai::OpenAICodec openai_codec;
  static const anthropic::AnthropicCodec anthropic_codec;
  static const gemini::GeminiCodec gemini_codec;
  static const ollama::OllamaCodec ollama_codec;
  static const azure::AzureCodec azure_codec;
  static const UnsupportedCodec unsupported;
  switch (family) {
    case Family::kOpenAI:
      return openai_codec;
    case Family::kOllama:
      return ollama_codec;
    case Family::kAzure:
      return azure_codec;
    case Family::kAnthropic:
      return anthropic_codec;
    case Family::kGemini:
      return gemini_codec;
  }
  return unsupported;
}

}  // namespace sb::providers
