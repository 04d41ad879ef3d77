#include "api/openai/embeddings_decode.h"

#include "api/openai/decode_helpers.h"
#include "api/openai/request_decoder.h"
#include "common/ids.h"

namespace sb::api::openai {

namespace json = boost::json;
using detail::invalid;
using detail::must_be;
using detail::Status;

namespace {

constexpr std::string_view kInputShape =
    "a string or an array of strings (token arrays are not supported: send the text)";

Status decode_model(const json::object& o, EmbeddingRequest& r) {
  const json::value* v = detail::field(o, "model");
  if (v == nullptr) return std::unexpected(invalid("model", "'model' is required"));
  if (!v->is_string()) return std::unexpected(must_be("model", "a string"));
  if (v->get_string().empty()) {
    return std::unexpected(invalid("model", "'model' must not be empty"));
  }
  r.model = v->get_string();
  return {};
}

Status decode_input(const json::object& o, EmbeddingRequest& r) {
  const json::value* v = detail::field(o, "input");
  if (v == nullptr) return std::unexpected(invalid("input", "'input' is required"));
  if (v->is_string()) {
    if (v->get_string().empty()) {
      return std::unexpected(invalid("input", "'input' must not be empty"));
    }
    r.input.emplace_back(v->get_string());
    return {};
  }
  if (!v->is_array()) return std::unexpected(must_be("input", kInputShape));
  const json::array& a = v->get_array();
  if (a.empty()) {
    return std::unexpected(invalid("input", "'input' must not be an empty array"));
  }
  r.input.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    std::string param = detail::index("input", i);
    if (a[i].is_number() || a[i].is_array()) {
      return std::unexpected(invalid(
          param,
          "'" + param + "' is a token: token arrays are not supported, send the input as text"));
    }
    if (!a[i].is_string()) return std::unexpected(must_be(param, "a string"));
    if (a[i].get_string().empty()) {
      return std::unexpected(invalid(param, "'" + param + "' must not be empty"));
    }
    r.input.emplace_back(a[i].get_string());
  }
  return {};
}

Status decode_options(const json::object& o, EmbeddingRequest& r) {
  if (const json::value* d = detail::field(o, "dimensions")) {
    std::optional<int64_t> n = detail::as_integer(*d);
    if (!n || *n <= 0) return std::unexpected(must_be("dimensions", "a positive integer"));
    r.dimensions = *n;
  }
  std::string format;
  Status st = detail::read_string(o, "encoding_format", "encoding_format", format);
  if (!st) return st;
  if (format == "base64") {
    r.base64 = true;
  } else if (!format.empty() && format != "float") {
    return std::unexpected(
        invalid("encoding_format",
                "'encoding_format' must be \"float\" or \"base64\", got \"" + format + "\""));
  }
  return detail::read_string(o, "user", "user", r.user);
}

Status decode_extensions(const json::object& o, EmbeddingBody& b) {
  constexpr std::string_view kEpisode = "tensorzero::episode_id";
  Status st = detail::read_string(o, kEpisode, std::string(kEpisode), b.episode_id);
  if (st && !b.episode_id.empty() && !ids::is_uuid_v7(b.episode_id)) {
    return std::unexpected(must_be(std::string(kEpisode), "a UUIDv7 string"));
  }
  if (st) st = detail::read_string_map(o, "tensorzero::tags", "tensorzero::tags", b.tags);
  if (st) {
    st = detail::read_string_map(o, "tensorzero::credentials", "tensorzero::credentials",
                                 b.request.credentials);
  }
  std::optional<bool> dryrun;
  if (st) st = detail::read_bool(o, "tensorzero::dryrun", "tensorzero::dryrun", dryrun);
  b.request.dryrun = dryrun.value_or(false);
  return st;
}

}  // namespace

std::expected<EmbeddingBody, Error> decode_embedding_request(std::string_view text) {
  auto parsed = parse_json_body(text);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  if (!parsed->is_object()) {
    return std::unexpected(
        make_error(ErrorCode::kInvalidRequest, "request body must be a JSON object"));
  }
  const json::object& o = parsed->get_object();
  EmbeddingBody body;
  Status st = decode_model(o, body.request);
  if (st) st = decode_input(o, body.request);
  if (st) st = decode_options(o, body.request);
  if (st) st = decode_extensions(o, body);
  if (!st) return std::unexpected(std::move(st.error()));
  return body;
}

}  // namespace sb::api::openai
