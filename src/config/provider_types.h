#pragma once

// What the loader knows about each provider `type`: which keys it takes and which it requires.
// Validation facts only; wire details (base URLs, default key variables) live in providers/.

#include <span>
#include <string>
#include <string_view>

namespace sb::config {

struct ProviderTypeRules {
  std::string_view type;
  bool needs_model_name = true;  // model_name (or model_id) must be set
  bool needs_api_base = false;   // vllm, sglang, tgi: no public default endpoint
  bool is_azure = false;         // deployment_id + endpoint instead of model_name
  // TensorZero's name for the model key: "model_name", or "model_id" (Bedrock, Vertex).
  std::string_view model_key = "model_name";
  // TensorZero's name for the credential when it is not api_key_location ("" when none).
  std::string_view credential_key;
  // Type-specific keys beyond the common ones, kept in ProviderConfig::options.
  std::span<const std::string_view> option_keys;
};

// nullptr when `type` is not a provider type Switchboard knows.
const ProviderTypeRules* find_provider_type(std::string_view type);
// "openai, openrouter, ..." for error messages.
std::string known_provider_types();

}  // namespace sb::config
