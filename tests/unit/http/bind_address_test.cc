#include <gtest/gtest.h>

#include "http/server.h"

namespace sb::http {
namespace {

TEST(ParseBindAddress, AcceptsIpv4AndBracketedIpv6) {
  auto v4 = parse_bind_address("0.0.0.0:3000");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->first, "0.0.0.0");
  EXPECT_EQ(v4->second, 3000);
  auto v6 = parse_bind_address("[::]:8080");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, "::");
  EXPECT_EQ(v6->second, 8080);
}

TEST(ParseBindAddress, RejectsMissingOrBadPort) {
  EXPECT_FALSE(parse_bind_address("localhost"));
  EXPECT_FALSE(parse_bind_address("0.0.0.0:"));
  EXPECT_FALSE(parse_bind_address("0.0.0.0:70000"));
  EXPECT_FALSE(parse_bind_address("0.0.0.0:http"));
  EXPECT_FALSE(parse_bind_address("[::1]3000"));
}

}  // namespace
}  // namespace sb::http
