#include "common/json_text.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb {
namespace {

TEST(JsonText, AppendsEscapedStringsAndIntegers) {
  std::string out;
  append_json_string(out, "a\"b\\c\x1f");
  append_json_int(out, -9223372036854775807LL - 1);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\u001f\"-9223372036854775808");
}

TEST(JsonText, EveryByteRoundTripsThroughAJsonParser) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "caf\xc3\xa9 \xe2\x82\xac";  // multi-byte UTF-8 passes through unchanged
  std::string out;
  append_json_string(out, all);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  EXPECT_EQ(boost::json::parse(out).as_string(), all);
}

TEST(JsonText, ShortEscapesAndRunsAroundThem) {
  std::string out = "x";
  append_json_escaped(out, "\n\r\t\b\fend\"");
  EXPECT_EQ(out, "x\\n\\r\\t\\b\\fend\\\"");
  out.clear();
  append_json_escaped(out, "");
  EXPECT_EQ(out, "");
}

// Long runs go 16 bytes a step: every byte value, at every offset of a 40-byte run, must come
// out exactly as a byte-at-a-time escaper writes it (0x20 and 0x7f and up pass unchanged).
TEST(JsonText, EveryByteAtEveryOffsetOfALongRunMatchesTheByteWiseEscape) {
  auto reference = [](std::string_view s) {
    std::string r;
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        r += '\\';
        r += static_cast<char>(c);
      } else if (c >= 0x20) {
        r += static_cast<char>(c);
      } else {
        std::string one;
        append_json_escaped(one, std::string_view(reinterpret_cast<const char*>(&c), 1));
        r += one;
      }
    }
    return r;
  };
  for (int c = 0; c < 256; ++c) {
    for (size_t at = 0; at < 40; ++at) {
      std::string run(40, 'a');
      run[at] = static_cast<char>(c);
      std::string out;
      append_json_escaped(out, run);
      ASSERT_EQ(out, reference(run)) << "byte " << c << " at " << at;
    }
  }
}

}  // namespace
}  // namespace sb
