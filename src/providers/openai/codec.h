#pragma once

// The OpenAI Chat Completions codec, used by OpenAI and every OpenAI-compatible type (OpenRouter,
// Together, Groq, DeepSeek, xAI, Mistral, Fireworks, Hyperbolic, Venice, vLLM, SGLang, TGI) and by
// Ollama through its OpenAI-compatible API. Per-type differences live in Dialect.

#include <expected>
#include <string>

#include "providers/provider.h"

namespace sb::providers::openai {

class OpenAICodec final : public Codec {
 public:
  std::expected<OutboundRequest, Error> encode_chat(const api::ChatRequest& request,
                                                    const Target& target) const override;
  std::expected<api::ChatResponse, Error> decode_chat(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  Error decode_error(int status, const HeaderList& headers, std::string_view body) const override;
};

// "<base_url without trailing '/'><type's path prefix>/chat/completions". kConfigInvalid when the
// target has no base URL.
std::expected<std::string, Error> chat_completions_url(const Target& target);

}  // namespace sb::providers::openai
