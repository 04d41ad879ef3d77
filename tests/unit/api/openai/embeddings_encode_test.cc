#include "api/openai/embeddings_encode.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sb::api::openai {
namespace {

namespace json = boost::json;

json::value testdata(std::string_view name) {
  std::ifstream in(std::string(SB_TESTDATA_DIR) + "/openai_embeddings/" + std::string(name));
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

EmbeddingResponse response_from(const json::object& o) {
  EmbeddingResponse r;
  r.model = o.at("model").as_string();
  r.input_tokens = o.at("input_tokens").as_int64();
  for (const json::value& v : o.at("vectors").as_array()) {
    std::vector<float> vec;
    for (const json::value& x : v.as_array())
      vec.push_back(static_cast<float>(x.to_number<double>()));
    r.vectors.push_back(std::move(vec));
  }
  return r;
}

TEST(EmbeddingsEncode, WritesEveryResponseExactly) {
  json::value data = testdata("responses.json");
  const json::array& cases = data.at("cases").as_array();
  ASSERT_GE(cases.size(), 3u);
  for (const json::value& c : cases) {
    SCOPED_TRACE(json::serialize(c.at("name")));
    EmbeddingResponse r = response_from(c.at("response").as_object());
    const json::object& m = c.at("meta").as_object();
    EmbeddingMeta meta{.model = std::string(m.at("model").as_string()),
                       .base64 = m.at("base64").as_bool()};
    std::string text = encode_embedding_response(r, meta);
    EXPECT_EQ(text, c.at("expected_text").as_string());
    EXPECT_NO_THROW(json::parse(text));
  }
}

TEST(EmbeddingsEncode, FloatTextReadsBackAsTheSameFloats) {
  EmbeddingResponse r;
  std::vector<float> v;
  for (int i = 0; i < 2000; ++i)
    v.push_back(std::ldexp(static_cast<float>(i * 7919 % 1000 - 500) / 333.0f, i % 60 - 30));
  r.vectors.push_back(v);
  json::value parsed = json::parse(encode_embedding_response(r, {.model = "m"}));
  const json::array& back = parsed.at("data").at(0).at("embedding").as_array();
  ASSERT_EQ(back.size(), v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(static_cast<float>(back[i].to_number<double>()), v[i]) << i;
  }
}

TEST(EmbeddingsEncode, Base64IsLittleEndianFloat32Bytes) {
  std::vector<float> v{1.0f, -2.0f, 0.5f};
  EXPECT_EQ(float32_base64(v), "AACAPwAAAMAAAAA/");
  EXPECT_EQ(float32_base64({}), "");
  EXPECT_EQ(float32_base64({0.123456789f}), "6tb8PQ==");
  // Decoding the text gives back the bytes of each float, in order.
  std::string b64 = float32_base64({3.0f, -0.0f});
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : b64) {
    if (ch == '=') break;
    acc = (acc << 6) | static_cast<uint32_t>(kAlphabet.find(ch));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  ASSERT_EQ(bytes.size(), 8u);
  EXPECT_EQ(bytes, std::string("\x00\x00\x40\x40\x00\x00\x00\x80", 8));
}

}  // namespace
}  // namespace sb::api::openai
