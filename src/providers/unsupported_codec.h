#pragma once

// The codec for a provider family this build cannot talk to yet: every request is a clear 400.

#include "providers/provider.h"

namespace sb::providers {

class UnsupportedCodec final : public Codec {
 public:
  std::expected<OutboundRequest, Error> encode_chat(const api::ChatRequest& request,
                                                    const Target& target) const override;
  std::expected<api::ChatResponse, Error> decode_chat(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  Error decode_error(int status, const HeaderList& headers, std::string_view body) const override;
};

}  // namespace sb::providers
