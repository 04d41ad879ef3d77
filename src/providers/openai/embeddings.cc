#include "providers/openai/embeddings.h"

#include <bit>
#include <cstdint>
#include <cstring>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "providers/openai/error_mapping.h"

namespace sb::providers::openai {

namespace json = boost::json;

namespace {

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::optional<std::vector<float>> floats_from_base64(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::vector<unsigned char> bytes;
  bytes.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : s) {
    int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<unsigned char>((acc >> bits) & 0xFF));
    }
  }
  if (bytes.size() % 4 != 0) return std::nullopt;
  std::vector<float> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t u = static_cast<uint32_t>(bytes[4 * i]) |
                 static_cast<uint32_t>(bytes[4 * i + 1]) << 8 |
                 static_cast<uint32_t>(bytes[4 * i + 2]) << 16 |
                 static_cast<uint32_t>(bytes[4 * i + 3]) << 24;
    out[i] = std::bit_cast<float>(u);
  }
  return out;
}

std::optional<int64_t> index_of(const json::object& item) {
  const json::value* v = item.if_contains("index");
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() < (1ull << 62))
    return static_cast<int64_t>(v->get_uint64());
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<float>> float_vector(const json::value& v) {
  if (v.is_string()) return floats_from_base64(v.get_string());
  if (!v.is_array()) return std::nullopt;
  const json::array& a = v.get_array();
  std::vector<float> out;
  out.reserve(a.size());
  for (const json::value& x : a) {
    if (x.is_double()) {
      out.push_back(static_cast<float>(x.get_double()));
    } else if (x.is_int64()) {
      out.push_back(static_cast<float>(x.get_int64()));
    } else if (x.is_uint64()) {
      out.push_back(static_cast<float>(x.get_uint64()));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

json::object encode_embeddings_body(const api::EmbeddingRequest& r, std::string_view model,
                                    const Dialect& d) {
  json::object body;
  body["model"] = model;
  json::array input;
  input.reserve(r.input.size());
  for (const std::string& s : r.input) input.emplace_back(s);
  body["input"] = std::move(input);
  if (r.dimensions) body[d.dimensions_field] = *r.dimensions;
  if (!r.user.empty() && d.user_field) body["user"] = r.user;
  return body;
}

std::expected<api::EmbeddingResponse, Error> decode_embeddings_body(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return std::unexpected(bad_response("upstream response is not valid JSON: " + ec.message()));
  }
  if (!v.is_object())
    return std::unexpected(bad_response("upstream response is not a JSON object"));
  const json::object& o = v.get_object();
  const json::value* data = o.if_contains("data");
  if ((data == nullptr || !data->is_array()) && o.contains("error")) {
    if (auto info = error_info_from_json(v)) {
      return std::unexpected(classify_error(info->numeric_code.value_or(0), *info));
    }
  }
  if (data == nullptr || !data->is_array()) {
    return std::unexpected(bad_response("upstream response has no data"));
  }
  const json::array& items = data->get_array();
  api::EmbeddingResponse r;
  r.vectors.resize(items.size());
  std::vector<bool> seen(items.size(), false);
  for (size_t i = 0; i < items.size(); ++i) {
    const json::object* item = items[i].if_object();
    const json::value* emb = item != nullptr ? item->if_contains("embedding") : nullptr;
    auto vec = emb != nullptr ? float_vector(*emb) : std::nullopt;
    if (!vec)
      return std::unexpected(
          bad_response("upstream data[" + std::to_string(i) + "] has no embedding vector"));
    int64_t at = index_of(*item).value_or(static_cast<int64_t>(i));
    if (at < 0 || static_cast<size_t>(at) >= items.size() || seen[at]) {
      return std::unexpected(
          bad_response("upstream data[" + std::to_string(i) + "] has a bad or repeated index"));
    }
    seen[at] = true;
    r.vectors[at] = std::move(*vec);
  }
  if (const json::value* m = o.if_contains("model"); m != nullptr && m->is_string()) {
    r.model = m->get_string();
  }
  if (const json::value* u = o.if_contains("usage"); u != nullptr && u->is_object()) {
    const json::value* n = u->get_object().if_contains("prompt_tokens");
    if (n != nullptr && n->is_int64()) r.input_tokens = n->get_int64();
    if (n != nullptr && n->is_uint64()) r.input_tokens = static_cast<int64_t>(n->get_uint64());
  }
  return r;
}

}  // namespace sb::providers::openai
