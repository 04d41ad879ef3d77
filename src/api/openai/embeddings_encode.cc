#include "api/openai/embeddings_encode.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "common/json_text.h"

namespace sb::api::openai {

namespace {

void append_float(std::string& out, float f) {
  if (!std::isfinite(f)) f = 0.0f;  // JSON has no NaN/Inf; upstream JSON cannot carry them
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  if (ec != std::errc()) {
    out += '0';
    return;
  }
  out.append(buf, end);
}

void append_vector(std::string& out, const std::vector<float>& v, bool base64) {
  if (base64) {
    out += '"';
    out += float32_base64(v);
    out += '"';
    return;
  }
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    append_float(out, v[i]);
  }
  out += ']';
}

}  // namespace

std::string float32_base64(const std::vector<float>& v) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> bytes;
  bytes.reserve(v.size() * 4);
  for (float f : v) {
    uint32_t u = std::bit_cast<uint32_t>(f);
    for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<unsigned char>(u >> (8 * k)));
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = bytes[i] << 16 | (rest == 2 ? bytes[i + 1] << 8 : 0);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encode_embedding_response(const EmbeddingResponse& r, const EmbeddingMeta& meta) {
  std::string out;
  size_t floats = 0;
  for (const auto& v : r.vectors) floats += v.size();
  out.reserve(96 + floats * (meta.base64 ? 6 : 14) + r.vectors.size() * 48);
  out += R"({"object":"list","data":[)";
  for (size_t i = 0; i < r.vectors.size(); ++i) {
    if (i) out += ',';
    out += R"({"object":"embedding","index":)";
    append_json_int(out, static_cast<int64_t>(i));
    out += R"(,"embedding":)";
    append_vector(out, r.vectors[i], meta.base64);
    out += '}';
  }
  out += R"(],"model":)";
  append_json_string(out, r.model.empty() ? meta.model : r.model);
  out += R"(,"usage":{"prompt_tokens":)";
  append_json_int(out, r.input_tokens);
  out += R"(,"total_tokens":)";
  append_json_int(out, r.input_tokens);
  out += "}}";
  return out;
}

}  // namespace sb::api::openai
