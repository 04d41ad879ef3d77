#include "upstream/request_checks.h"

#include <string>

#include <gtest/gtest.h>

namespace sb::upstream::detail {
namespace {

TEST(RequestChecks, TokensAreVisibleAsciiWithoutDelimiters) {
  EXPECT_TRUE(is_token("POST"));
  EXPECT_TRUE(is_token("X-Custom_Header.v2~!#$%&'*+^`|"));
  EXPECT_FALSE(is_token(""));
  for (char c : std::string("\"(),/:;<=>?@[\\]{} \t\x7f")) {
    EXPECT_FALSE(is_token(std::string("X") + c)) << int(c);
  }
  EXPECT_FALSE(is_token(std::string("X\0Y", 3)));
  EXPECT_FALSE(is_token("Caf\xc3\xa9"));
}

TEST(RequestChecks, HeaderValuesCannotCarryLineBreaksOrNul) {
  EXPECT_TRUE(is_header_value("Bearer abc, def; q=1"));
  EXPECT_TRUE(is_header_value(""));
  EXPECT_FALSE(is_header_value("a\r\nX-Injected: 1"));
  EXPECT_FALSE(is_header_value("a\nb"));
  EXPECT_FALSE(is_header_value(std::string("a\0b", 3)));
}

TEST(RequestChecks, CaseInsensitiveNameComparison) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_FALSE(iequals("Content-Length2", "content-length"));
  EXPECT_FALSE(iequals("Host", "Hose"));
  EXPECT_TRUE(has_prefix_icase("HTTP://x", "http://"));
}

}  // namespace
}  // namespace sb::upstream::detail
