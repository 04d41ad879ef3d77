#pragma once

// OpenAI on Azure: the OpenAI Chat Completions and Embeddings bodies (providers/openai), sent to
//   <endpoint>/openai/deployments/<deployment_id>/chat/completions?api-version=<api_version>
//   <endpoint>/openai/deployments/<deployment_id>/embeddings?api-version=<api_version>
// with the key in an `api-key` header (default env::AZURE_API_KEY). The endpoint is the
// resource URL (https://NAME.openai.azure.com); Target::base_url carries it once resolved (an
// `env::` / `dynamic::` endpoint is resolved by the caller), else ProviderConfig::endpoint is
// used as written. api_version defaults to kDefaultApiVersion, the current GA data-plane
// inference version. The deployment is deployment_id, else model_name (compact shape: `model`).

#include <expected>
#include <string>
#include <string_view>

#include "providers/provider.h"

namespace sb::providers::azure {

inline constexpr std::string_view kDefaultApiVersion = "2024-10-21";

class AzureCodec final : public Codec {
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

// The deployment URL for `operation` ("chat/completions", "embeddings"). kConfigInvalid when the
// endpoint or the deployment is missing or the endpoint is not an http(s) URL.
std::expected<std::string, Error> deployment_url(const Target& target, std::string_view operation);

}  // namespace sb::providers::azure
