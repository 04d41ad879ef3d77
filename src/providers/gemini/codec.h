#pragma once

// The Google AI Studio Gemini codec (provider type "google_ai_studio_gemini"):
//   chat:       POST <base>/models/<model>:generateContent
//   streaming:  POST <base>/models/<model>:streamGenerateContent?alt=sse
//   embeddings: POST <base>/models/<model>:embedContent (one input), :batchEmbedContents (more)
// with the key in the x-goog-api-key header (never in the URL). The model name is
// percent-encoded; a "models/" prefix in model_name is accepted. Translation details:
// request_encoder.h, content_encoder.h, thinking.h, response_decoder.h, stream_decoder.h,
// embeddings.h, error_mapping.h.
//
// Provider settings used: model_name (required), api_base (default
// https://generativelanguage.googleapis.com/v1beta), extra_headers (after ours).

#include <expected>
#include <string>
#include <string_view>

#include "providers/provider.h"

namespace sb::providers::gemini {

class GeminiCodec final : public Codec {
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

// "<base without trailing '/'>/models/<percent-encoded model>:<method>". kConfigInvalid when
// the target has no base URL or no model_name.
std::expected<std::string, Error> method_url(const Target& target, std::string_view method);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view s);

}  // namespace sb::providers::gemini
