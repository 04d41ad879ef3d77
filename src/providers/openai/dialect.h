#pragma once

// The small ways OpenAI-compatible servers differ from OpenAI on the request side. Everything
// not listed here is sent exactly as OpenAI defines it.

#include <string_view>

namespace sb::providers::openai {

struct Dialect {
  std::string_view max_tokens_field = "max_tokens";  // OpenAI itself: "max_completion_tokens"
  std::string_view seed_field = "seed";              // Mistral: "random_seed"
  bool developer_role = false;                       // send "developer" as is; else as "system"
  bool stream_options = true;     // send stream_options.include_usage when streaming
  bool user_field = true;         // send `user`
  bool reasoning_object = false;  // OpenRouter: `reasoning: {effort}` instead of reasoning_effort
  bool reasoning_effort = true;   // send reasoning_effort at all
  std::string_view dimensions_field = "dimensions";  // embeddings; Mistral: "output_dimension"
};

// The dialect of a provider `type` ("openai", "openrouter", "mistral", ...).
Dialect dialect_for(std::string_view type);

}  // namespace sb::providers::openai
