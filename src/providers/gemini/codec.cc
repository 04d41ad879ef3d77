#include "providers/gemini/codec.h"

#include <cctype>

#include <boost/json/serialize.hpp>

#include "providers/gemini/embeddings.h"
#include "providers/gemini/error_mapping.h"
#include "providers/gemini/request_encoder.h"
#include "providers/gemini/response_decoder.h"
#include "providers/gemini/stream_decoder.h"

namespace sb::providers::gemini {

namespace {

std::string_view model_of(const config::ProviderConfig& p) {
  std::string_view m = p.model_name;
  if (m.starts_with("models/")) m.remove_prefix(7);
  return m;
}

OutboundRequest request_to(std::string url, const Target& target, std::string body) {
  OutboundRequest out;
  out.url = std::move(url);
  out.headers.emplace_back("Content-Type", "application/json");
  if (!target.api_key.empty()) out.headers.emplace_back("x-goog-api-key", target.api_key);
  for (const auto& h : target.provider->extra_headers) out.headers.push_back(h);
  out.body = std::move(body);
  return out;
}

}  // namespace

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::expected<std::string, Error> method_url(const Target& target, std::string_view method) {
  const config::ProviderConfig& p = *target.provider;
  std::string_view base = target.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (base.empty()) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid,
                   "provider '" + p.name + "' (type " + p.type + ") has no api_base"));
  }
  if (model_of(p).empty()) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid, "provider '" + p.name + "' has no model_name"));
  }
  return std::string(base) + "/models/" + percent_encode(model_of(p)) + ":" + std::string(method);
}

std::expected<OutboundRequest, Error> GeminiCodec::encode_chat(const api::ChatRequest& request,
                                                               const Target& target) const {
  auto url =
      method_url(target, request.stream ? "streamGenerateContent?alt=sse" : "generateContent");
  if (!url) return std::unexpected(std::move(url.error()));
  auto body = encode_request(request, model_of(*target.provider));
  if (!body) return std::unexpected(std::move(body.error()));
  return request_to(std::move(*url), target, boost::json::serialize(*body));
}

std::expected<api::ChatResponse, Error> GeminiCodec::decode_chat(std::string_view body) const {
  return decode_response_body(body);
}

std::unique_ptr<StreamDecoder> GeminiCodec::stream_decoder() const {
  return std::make_unique<GeminiStreamDecoder>();
}

Error GeminiCodec::decode_error(int status, const HeaderList& headers,
                                std::string_view body) const {
  return gemini::decode_error(status, headers, body);
}

std::expected<OutboundRequest, Error> GeminiCodec::encode_embeddings(
    const api::EmbeddingRequest& request, const Target& target) const {
  if (request.input.empty()) {
    return std::unexpected(
        make_error(ErrorCode::kInvalidRequest, "'input' must not be empty", "input"));
  }
  auto url = method_url(target, request.input.size() == 1 ? "embedContent" : "batchEmbedContents");
  if (!url) return std::unexpected(std::move(url.error()));
  auto body = encode_embeddings_body(request, model_of(*target.provider));
  return request_to(std::move(*url), target, boost::json::serialize(body));
}

std::expected<api::EmbeddingResponse, Error> GeminiCodec::decode_embeddings(
    std::string_view body) const {
  return decode_embeddings_body(body);
}

}  // namespace sb::providers::gemini
