#include "config/provider_types.h"

#include <array>

namespace sb::config {
namespace {

// Keys from TensorZero's UninitializedProviderConfig (reference §3), accepted and kept as options.
constexpr std::string_view kAnthropic[] = {"beta_structured_outputs", "provider_tools"};
constexpr std::string_view kBedrock[] = {"region", "endpoint_url", "access_key_id",
                                         "secret_access_key", "session_token"};
constexpr std::string_view kSagemaker[] = {"endpoint_name", "hosted_provider", "region",
                                           "endpoint_url",  "access_key_id",   "secret_access_key",
                                           "session_token"};
constexpr std::string_view kThinkBlocks[] = {"parse_think_blocks"};
constexpr std::string_view kVertexAnthropic[] = {"location", "project_id", "provider_tools"};
constexpr std::string_view kVertexGemini[] = {"endpoint_id", "location", "project_id"};
constexpr std::string_view kGroq[] = {"reasoning_format"};
constexpr std::string_view kMistral[] = {"prompt_mode"};
constexpr std::string_view kOpenAI[] = {"api_type", "include_encrypted_reasoning", "provider_tools",
                                        "content_type_overrides"};

// The explicit list; order is the order of error messages.
constexpr std::array<ProviderTypeRules, 22> kTypes = {{
    {.type = "openai", .option_keys = kOpenAI},
    {.type = "openrouter"},
    {.type = "together", .option_keys = kThinkBlocks},
    {.type = "groq", .option_keys = kGroq},
    {.type = "deepseek"},
    {.type = "xai"},
    {.type = "mistral", .option_keys = kMistral},
    {.type = "fireworks", .option_keys = kThinkBlocks},
    {.type = "hyperbolic"},
    {.type = "vllm", .needs_api_base = true},
    {.type = "sglang", .needs_api_base = true},
    {.type = "tgi", .needs_model_name = false, .needs_api_base = true},
    {.type = "venice"},
    {.type = "anthropic", .option_keys = kAnthropic},
    {.type = "ollama"},
    {.type = "google_ai_studio_gemini"},
    {.type = "azure", .needs_model_name = false, .is_azure = true},
    {.type = "gcp_vertex_gemini",
     .model_key = "model_id",
     .credential_key = "credential_location",
     .option_keys = kVertexGemini},
    {.type = "gcp_vertex_anthropic",
     .model_key = "model_id",
     .credential_key = "credential_location",
     .option_keys = kVertexAnthropic},
    {.type = "aws_bedrock",
     .model_key = "model_id",
     .credential_key = "api_key",
     .option_keys = kBedrock},
    {.type = "aws_sagemaker", .option_keys = kSagemaker},
    {.type = "dummy"},
}};

}  // namespace

const ProviderTypeRules* find_provider_type(std::string_view type) {
  for (const auto& rules : kTypes) {
    if (rules.type == type) return &rules;
  }
  return nullptr;
}

std::string known_provider_types() {
  std::string out;
  for (const auto& rules : kTypes) {
    if (!out.empty()) out += ", ";
    out += rules.type;
  }
  return out;
}

}  // namespace sb::config
