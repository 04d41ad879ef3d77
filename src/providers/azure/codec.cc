#include "providers/azure/codec.h"

#include <cctype>

#include <boost/json/serialize.hpp>

#include "providers/openai/dialect.h"
#include "providers/openai/embeddings.h"
#include "providers/openai/error_mapping.h"
#include "providers/openai/request_text.h"
#include "providers/openai/response_decoder.h"
#include "providers/openai/stream_decoder.h"

namespace sb::providers::azure {

namespace {

const std::string& deployment_of(const config::ProviderConfig& p) {
  return p.deployment_id.empty() ? p.model_name : p.deployment_id;
}

// Percent-encodes everything but RFC 3986 unreserved characters (deployment names are normally
// [A-Za-z0-9._-] already).
std::string path_segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Error config_error(const config::ProviderConfig& p, std::string what) {
  return make_error(ErrorCode::kConfigInvalid, "provider '" + p.name + "' (azure) " + what);
}

OutboundRequest keyed_request(std::string url, const Target& target, std::string body) {
  OutboundRequest out;
  out.url = std::move(url);
  out.headers.emplace_back("Content-Type", "application/json");
  if (!target.api_key.empty()) out.headers.emplace_back("api-key", target.api_key);
  for (const auto& h : target.provider->extra_headers) out.headers.push_back(h);
  out.body = std::move(body);
  return out;
}

}  // namespace

std::expected<std::string, Error> deployment_url(const Target& target, std::string_view operation) {
  const config::ProviderConfig& p = *target.provider;
  std::string_view endpoint = target.base_url.empty() ? p.endpoint : target.base_url;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  if (endpoint.ends_with("/openai")) endpoint.remove_suffix(7);  // pasted with the path prefix
  if (endpoint.empty()) return std::unexpected(config_error(p, "needs endpoint"));
  if (!endpoint.starts_with("https://") && !endpoint.starts_with("http://")) {
    return std::unexpected(config_error(p, "endpoint must be an http:// or https:// URL"));
  }
  const std::string& deployment = deployment_of(p);
  if (deployment.empty()) return std::unexpected(config_error(p, "needs deployment_id"));
  std::string url(endpoint);
  url += "/openai/deployments/";
  url += path_segment(deployment);
  url += '/';
  url += operation;
  url += "?api-version=";
  url += p.api_version.empty() ? kDefaultApiVersion : std::string_view(p.api_version);
  return url;
}

std::expected<OutboundRequest, Error> AzureCodec::encode_chat(const api::ChatRequest& request,
                                                              const Target& target) const {
  auto url = deployment_url(target, "chat/completions");
  if (!url) return std::unexpected(std::move(url.error()));
  const config::ProviderConfig& p = *target.provider;
  return keyed_request(
      std::move(*url), target,
      openai::encode_request_text(request, deployment_of(p), openai::dialect_for(p.type)));
}

std::expected<api::ChatResponse, Error> AzureCodec::decode_chat(std::string_view body) const {
  return openai::decode_response_body(body);
}

std::unique_ptr<StreamDecoder> AzureCodec::stream_decoder() const {
  return std::make_unique<openai::OpenAIStreamDecoder>();
}

Error AzureCodec::decode_error(int status, const HeaderList& headers, std::string_view body) const {
  return openai::decode_error(status, headers, body);
}

std::expected<OutboundRequest, Error> AzureCodec::encode_embeddings(
    const api::EmbeddingRequest& request, const Target& target) const {
  auto url = deployment_url(target, "embeddings");
  if (!url) return std::unexpected(std::move(url.error()));
  const config::ProviderConfig& p = *target.provider;
  auto body =
      openai::encode_embeddings_body(request, deployment_of(p), openai::dialect_for(p.type));
  return keyed_request(std::move(*url), target, boost::json::serialize(body));
}

std::expected<api::EmbeddingResponse, Error> AzureCodec::decode_embeddings(
    std::string_view body) const {
  return openai::decode_embeddings_body(body);
}

}  // namespace sb::providers::azure
