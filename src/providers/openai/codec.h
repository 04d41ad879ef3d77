#pragma once

// The OpenAI Chat Completions and Embeddings codec, used by OpenAI and every OpenAI-compatible
// type (OpenRouter, Together, Groq, DeepSeek, xAI, Mistral, Fireworks, Hyperbolic, Venice, vLLM,
// SGLang, TGI). Per-type differences live in Dialect. Azure reuses the bodies (providers/azure).

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

  bool supports_embeddings() const override { return true; }
  std::expected<OutboundRequest, Error> encode_embeddings(const api::EmbeddingRequest& request,
                                                          const Target& target) const override;
  std::expected<api::EmbeddingResponse, Error> decode_embeddings(
      std::string_view body) const override;
};

// "<base_url without trailing '/'><type's path prefix><path>", path like "/chat/completions".
// kConfigInvalid when the target has no base URL.
std::expected<std::string, Error> endpoint_url(const Target& target, std::string_view path);
inline std::expected<std::string, Error> chat_completions_url(const Target& target) {
  return endpoint_url(target, "/chat/completions");
}

}  // namespace sb::providers::openai
