#include "providers/anthropic/codec.h"

#include <boost/json/serialize.hpp>

#include "providers/anthropic/error_mapping.h"
#include "providers/anthropic/request_encoder.h"
#include "providers/anthropic/response_decoder.h"
#include "providers/anthropic/stream_decoder.h"

namespace sb::providers::anthropic {

std::expected<std::string, Error> messages_url(const Target& target) {
  std::string_view base = target.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (base.empty()) {
    const config::ProviderConfig& p = *target.provider;
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid,
                   "provider '" + p.name + "' (type " + p.type + ") has no api_base"));
  }
  std::string url(base);
  if (!url.ends_with("/messages")) url += "/messages";
  return url;
}

std::expected<OutboundRequest, Error> AnthropicCodec::encode_chat(const api::ChatRequest& request,
                                                                  const Target& target) const {
  const config::ProviderConfig& p = *target.provider;
  if (p.model_name.empty()) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid, "provider '" + p.name + "' has no model_name"));
  }
  auto url = messages_url(target);
  if (!url) return std::unexpected(std::move(url.error()));
  auto option = p.options.find("beta_structured_outputs");
  EncodeOptions options{.native_structured_outputs =
                            option != p.options.end() && option->second == "true"};
  auto encoded = encode_request(request, p.model_name, options);
  if (!encoded) return std::unexpected(std::move(encoded.error()));
  OutboundRequest out;
  out.url = std::move(*url);
  out.headers.emplace_back("Content-Type", "application/json");
  if (!target.api_key.empty()) out.headers.emplace_back("x-api-key", target.api_key);
  if (find_header(p.extra_headers, "anthropic-version") == nullptr) {
    out.headers.emplace_back("anthropic-version", kApiVersion);
  }
  if (encoded->structured_outputs_beta) {
    out.headers.emplace_back("anthropic-beta", kStructuredOutputsBeta);
  }
  for (const auto& h : p.extra_headers) out.headers.push_back(h);
  out.body = boost::json::serialize(encoded->body);
  return out;
}

std::expected<api::ChatResponse, Error> AnthropicCodec::decode_chat(std::string_view body) const {
  return decode_response_body(body);
}

std::unique_ptr<StreamDecoder> AnthropicCodec::stream_decoder() const {
  return std::make_unique<AnthropicStreamDecoder>();
}

Error AnthropicCodec::decode_error(int status, const HeaderList& headers,
                                   std::string_view body) const {
  return anthropic::decode_error(status, headers, body);
}

}  // namespace sb::providers::anthropic
