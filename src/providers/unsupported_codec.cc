#include "providers/unsupported_codec.h"

namespace sb::providers {

namespace {

class NoStream final : public StreamDecoder {
 public:
  std::expected<void, Error> feed(std::string_view, std::vector<api::StreamChunk>&) override {
    return std::unexpected(
        make_error(ErrorCode::kInternal, "stream decoder of an unsupported provider type"));
  }
  bool finished() const override { return false; }
};

}  // namespace

std::expected<OutboundRequest, Error> UnsupportedCodec::encode_chat(const api::ChatRequest&,
                                                                    const Target& target) const {
  std::string type = target.provider != nullptr ? target.provider->type : std::string("?");
  return std::unexpected(
      make_error(ErrorCode::kInvalidRequest,
                 "provider type '" + type + "' is not supported by this build yet"));
}

std::expected<api::ChatResponse, Error> UnsupportedCodec::decode_chat(std::string_view) const {
  return std::unexpected(
      make_error(ErrorCode::kInternal, "response decoder of an unsupported provider type"));
}

std::unique_ptr<StreamDecoder> UnsupportedCodec::stream_decoder() const {
  return std::make_unique<NoStream>();
}

Error UnsupportedCodec::decode_error(int status, const HeaderList&, std::string_view) const {
  Error e =
      make_error(ErrorCode::kUpstreamBadResponse, "upstream returned " + std::to_string(status));
  e.status = status;
  return e;
}

}  // namespace sb::providers
