#include "providers/gemini/embeddings.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "providers/gemini/error_mapping.h"
#include "providers/gemini/json_fields.h"

namespace sb::providers::gemini {

namespace json = boost::json;

namespace {

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

json::object embed_request(std::string_view text, std::string_view model,
                           const std::optional<int64_t>& dimensions) {
  json::object content{{"parts", json::array{json::object{{"text", text}}}}};
  json::object o{{"model", "models/" + std::string(model)}, {"content", std::move(content)}};
  if (dimensions) o["outputDimensionality"] = *dimensions;
  return o;
}

std::expected<std::vector<float>, Error> vector_of(const json::value& embedding) {
  const json::array* values = array(embedding.if_object(), "values");
  if (values == nullptr) return std::unexpected(bad_response("upstream embedding has no values"));
  std::vector<float> out;
  out.reserve(values->size());
  for (const json::value& x : *values) {
    if (!x.is_number())
      return std::unexpected(bad_response("upstream embedding value is not a number"));
    out.push_back(static_cast<float>(x.to_number<double>()));
  }
  return out;
}

}  // namespace

json::object encode_embeddings_body(const api::EmbeddingRequest& r, std::string_view model) {
  if (r.input.size() == 1) return embed_request(r.input[0], model, r.dimensions);
  json::array requests;
  requests.reserve(r.input.size());
  for (const std::string& text : r.input)
    requests.push_back(embed_request(text, model, r.dimensions));
  return json::object{{"requests", std::move(requests)}};
}

std::expected<api::EmbeddingResponse, Error> decode_embeddings_body(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec)
    return std::unexpected(bad_response("upstream response is not valid JSON: " + ec.message()));
  const json::object* o = v.if_object();
  if (o == nullptr) return std::unexpected(bad_response("upstream response is not a JSON object"));
  if (o->contains("error")) return std::unexpected(in_band_error(v));
  api::EmbeddingResponse out;
  out.input_tokens = integer(object(o, "usageMetadata"), "promptTokenCount");
  if (const json::value* one = o->if_contains("embedding")) {
    auto vec = vector_of(*one);
    if (!vec) return std::unexpected(std::move(vec.error()));
    out.vectors.push_back(std::move(*vec));
    return out;
  }
  const json::array* many = array(o, "embeddings");
  if (many == nullptr) return std::unexpected(bad_response("upstream response has no embeddings"));
  for (const json::value& e : *many) {
    auto vec = vector_of(e);
    if (!vec) return std::unexpected(std::move(vec.error()));
    out.vectors.push_back(std::move(*vec));
  }
  return out;
}

}  // namespace sb::providers::gemini
