#include "providers/openai/codec.h"

#include <boost/json/serialize.hpp>

#include "providers/openai/dialect.h"
#include "providers/openai/error_mapping.h"
#include "providers/openai/request_encoder.h"
#include "providers/openai/response_decoder.h"
#include "providers/openai/stream_decoder.h"

namespace sb::providers::openai {

std::expected<std::string, Error> chat_completions_url(const Target& target) {
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
  if (!prefix.empty() && !url.ends_with(prefix)) url += prefix;  // "http://host:11434/v1" too
  url += "/chat/completions";
  return url;
}

std::expected<OutboundRequest, Error> OpenAICodec::encode_chat(const api::ChatRequest& request,
                                                               const Target& target) const {
  const config::ProviderConfig& p = *target.provider;
  auto url = chat_completions_url(target);
  if (!url) return std::unexpected(std::move(url.error()));
  std::string_view model = p.model_name;
  if (model.empty()) {
    if (p.type != "tgi") {  // TGI serves one model and ignores the name
      return std::unexpected(
          make_error(ErrorCode::kConfigInvalid, "provider '" + p.name + "' has no model_name"));
    }
    model = "tgi";
  }
  OutboundRequest out;
  out.url = std::move(*url);
  out.headers.emplace_back("Content-Type", "application/json");
  if (!target.api_key.empty()) {
    out.headers.emplace_back("Authorization", "Bearer " + target.api_key);
  }
  for (const auto& h : p.extra_headers) out.headers.push_back(h);
  out.body = boost::json::serialize(encode_request_body(request, model, dialect_for(p.type)));
  return out;
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

}  // namespace sb::providers::openai
