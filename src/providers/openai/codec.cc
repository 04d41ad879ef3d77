#include "providers/openai/codec.h"

#include <boost/json/serialize.hpp>

#include "providers/openai/dialect.h"
#include "providers/openai/embeddings.h"
#include "providers/openai/error_mapping.h"
#include "providers/openai/request_text.h"
#include "providers/openai/response_decoder.h"
#include "providers/openai/stream_decoder.h"

namespace sb::providers::openai {

namespace {

// The upstream model name; TGI serves one model and ignores the name.
std::expected<std::string_view, Error> model_of(const config::ProviderConfig& p) {
  if (!p.model_name.empty()) return std::string_view(p.model_name);
  if (p.type == "tgi") return std::string_view("tgi");
  return std::unexpected(
      make_error(ErrorCode::kConfigInvalid, "provider '" + p.name + "' has no model_name"));
}

OutboundRequest bearer_request(std::string url, const Target& target, std::string body) {
  OutboundRequest out;
  out.url = std::move(url);
  out.headers.emplace_back("Content-Type", "application/json");
  if (!target.api_key.empty()) {
    out.headers.emplace_back("Authorization", "Bearer " + target.api_key);
  }
  for (const auto& h : target.provider->extra_headers) out.headers.push_back(h);
  out.body = std::move(body);
  return out;
}

}  // namespace

std::expected<std::string, Error> endpoint_url(const Target& target, std::string_view path) {
  const config::ProviderConfig& p = *target.provider;
  std::string_view base = target.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (base.empty()) {
    return std::unexpected(make_error(
        ErrorCode::kConfigInvalid,
        "provider '" + p.name + "' (type " + p.type + ") needs api_base: the type has no default"));
  }
  std::string url(base);
  const Descriptor* d = find_descriptor(p.type);
  std::string_view prefix = d != nullptr ? d->openai_path_prefix : std::string_view();
  if (!prefix.empty() && !url.ends_with(prefix)) url += prefix;
  url += path;
  return url;
}

std::expected<OutboundRequest, Error> OpenAICodec::encode_chat(const api::ChatRequest& request,
                                                               const Target& target) const {
  const config::ProviderConfig& p = *target.provider;
  auto url = endpoint_url(target, "/chat/completions");
  if (!url) return std::unexpected(std::move(url.error()));
  auto model = model_of(p);
  if (!model) return std::unexpected(std::move(model.error()));
  return bearer_request(std::move(*url), target,
                        encode_request_text(request, *model, dialect_for(p.type)));
}

std::expected<api::ChatResponse, Error> OpenAICodec::decode_chat(std::string_view body) const {
  return decode_response_body(body);
}

std::unique_ptr<StreamDecoder> OpenAICodec::stream_decoder() const {
  return std::make_unique<OpenAIStreamDecoder>();
}

Error OpenAICodec::decode_error(int status, const HeaderList& headers,
                                std::string_view body) const {
  return openai::decode_error(status, headers, body);
}

std::expected<OutboundRequest, Error> OpenAICodec::encode_embeddings(
    const api::EmbeddingRequest& request, const Target& target) const {
  const config::ProviderConfig& p = *target.provider;
  auto url = endpoint_url(target, "/embeddings");
  if (!url) return std::unexpected(std::move(url.error()));
  auto model = model_of(p);
  if (!model) return std::unexpected(std::move(model.error()));
  return bearer_request(
      std::move(*url), target,
      boost::json::serialize(encode_embeddings_body(request, *model, dialect_for(p.type))));
}

std::expected<api::EmbeddingResponse, Error> OpenAICodec::decode_embeddings(
    std::string_view body) const {
  return decode_embeddings_body(body);
}

}  // namespace sb::providers::openai
