#pragma once

// The native Ollama codec: POST <base>/api/chat (NDJSON streaming) and POST <base>/api/embed.
// The base URL is the server root (default http://localhost:11434); a base that ends in "/v1"
// (Ollama's OpenAI-compatible API, as TensorZero-style configs point at it) or "/api" has that
// suffix dropped. No key is needed; a configured one is sent as a bearer token (Ollama behind an
// authenticating proxy). Request mapping: see request_encoder.h.

#include <expected>
#include <string>

#include "providers/provider.h"

namespace sb::providers::ollama {

class OllamaCodec final : public Codec {
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

// "<server root><path>", path like "/api/chat". kConfigInvalid when there is no base URL.
std::expected<std::string, Error> ollama_url(const Target& target, std::string_view path);

}  // namespace sb::providers::ollama
