#include "providers/ollama/codec.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "providers/ollama/request_encoder.h"
#include "providers/ollama/response_decoder.h"
#include "providers/ollama/stream_decoder.h"
#include "providers/openai/embeddings.h"
#include "providers/openai/error_mapping.h"

namespace sb::providers::ollama {

namespace json = boost::json;

namespace {

std::expected<std::string, Error> model_of(const config::ProviderConfig& p) {
  if (p.model_name.empty()) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid, "provider '" + p.name + "' has no model_name"));
  }
  return p.model_name;
}

OutboundRequest request_to(std::string url, const Target& target, std::string body) {
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

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

}  // namespace

std::expected<std::string, Error> ollama_url(const Target& target, std::string_view path) {
  std::string_view base = target.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  for (std::string_view suffix : {"/v1", "/api"}) {
    if (base.ends_with(suffix)) {
      base.remove_suffix(suffix.size());
      break;
    }
  }
  if (base.empty()) {
    return std::unexpected(make_error(ErrorCode::kConfigInvalid,
                                      "provider '" + target.provider->name + "' needs api_base"));
  }
  std::string url(base);
  url += path;
  return url;
}

std::expected<OutboundRequest, Error> OllamaCodec::encode_chat(const api::ChatRequest& request,
                                                               const Target& target) const {
  auto url = ollama_url(target, "/api/chat");
  if (!url) return std::unexpected(std::move(url.error()));
  auto model = model_of(*target.provider);
  if (!model) return std::unexpected(std::move(model.error()));
  auto body = encode_chat_body(request, *model);
  if (!body) return std::unexpected(std::move(body.error()));
  return request_to(std::move(*url), target, json::serialize(*body));
}

std::expected<api::ChatResponse, Error> OllamaCodec::decode_chat(std::string_view body) const {
  return decode_chat_body(body);
}

std::unique_ptr<StreamDecoder> OllamaCodec::stream_decoder() const {
  return std::make_unique<OllamaStreamDecoder>();
}

Error OllamaCodec::decode_error(int status, const HeaderList& headers,
                                std::string_view body) const {
  Error e = openai::decode_error(status, headers, body);
  if (e.code == ErrorCode::kUpstreamClientError &&
      e.message.find("context length") != std::string::npos) {
    e.code = ErrorCode::kContextLengthExceeded;  // "the input length exceeds the context length"
  }
  return e;
}

std::expected<OutboundRequest, Error> OllamaCodec::encode_embeddings(
    const api::EmbeddingRequest& request, const Target& target) const {
  auto url = ollama_url(target, "/api/embed");
  if (!url) return std::unexpected(std::move(url.error()));
  auto model = model_of(*target.provider);
  if (!model) return std::unexpected(std::move(model.error()));
  json::object body;
  body["model"] = *model;
  json::array input;
  input.reserve(request.input.size());
  for (const std::string& s : request.input) input.emplace_back(s);
  body["input"] = std::move(input);
  if (request.dimensions) body["dimensions"] = *request.dimensions;
  return request_to(std::move(*url), target, json::serialize(body));
}

std::expected<api::EmbeddingResponse, Error> OllamaCodec::decode_embeddings(
    std::string_view body) const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return std::unexpected(bad_response("upstream response is not valid JSON: " + ec.message()));
  }
  if (!v.is_object())
    return std::unexpected(bad_response("upstream response is not a JSON object"));
  const json::object& o = v.get_object();
  if (auto e = error_of(o, 0)) return std::unexpected(std::move(*e));
  const json::value* list = o.if_contains("embeddings");
  if (list == nullptr || !list->is_array()) {
    return std::unexpected(bad_response("upstream response has no embeddings"));
  }
  api::EmbeddingResponse r;
  if (const json::value* m = o.if_contains("model"); m != nullptr && m->is_string()) {
    r.model = m->get_string();
  }
  for (const json::value& e : list->get_array()) {
    auto vec = openai::float_vector(e);
    if (!vec) return std::unexpected(bad_response("upstream embedding is not an array of numbers"));
    r.vectors.push_back(std::move(*vec));
  }
  if (auto usage = decode_usage(o)) r.input_tokens = usage->input_tokens;
  return r;
}

}  // namespace sb::providers::ollama
