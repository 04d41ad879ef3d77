#pragma once

// The Anthropic Messages codec (provider type "anthropic"): POST <base>/messages with x-api-key
// and anthropic-version: 2023-06-01. Translation details: request_encoder.h, message_encoder.h,
// thinking.h, response_decoder.h, stream_decoder.h, error_mapping.h.
//
// Provider settings used: model_name (required), api_base (default
// https://api.anthropic.com/v1; TensorZero's form ending in /messages is accepted as is),
// extra_headers (after ours; an anthropic-version there replaces ours), option
// beta_structured_outputs = true (native structured output for json_schema).

#include <expected>
#include <string>

#include "providers/provider.h"

namespace sb::providers::anthropic {

inline constexpr std::string_view kApiVersion = "2023-06-01";

class AnthropicCodec final : public Codec {
 public:
  std::expected<OutboundRequest, Error> encode_chat(const api::ChatRequest& request,
                                                    const Target& target) const override;
  std::expected<api::ChatResponse, Error> decode_chat(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  Error decode_error(int status, const HeaderList& headers, std::string_view body) const override;
};

// "<base_url without trailing '/'>/messages" (the base as is when it already ends in /messages).
// kConfigInvalid when the target has no base URL.
std::expected<std::string, Error> messages_url(const Target& target);

}  // namespace sb::providers::anthropic
