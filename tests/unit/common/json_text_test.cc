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

}  // namespace
}  // namespace sb
