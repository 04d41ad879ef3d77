#include "upstream/plain_url.h"

#include <gtest/gtest.h>

namespace sb::upstream::detail {
namespace {

TEST(PlainUrl, SplitsHostPortAndTarget) {
  auto url = parse_plain_url("http://127.0.0.1:3999/v1/chat/completions?x=1");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 3999);
  EXPECT_EQ(url->target, "/v1/chat/completions?x=1");
  EXPECT_EQ(url->host_header, "127.0.0.1:3999");
  EXPECT_EQ(url->pool_key, "127.0.0.1:3999");
}

TEST(PlainUrl, DefaultsPortAndTargetAndDropsTheFragment) {
  auto url = parse_plain_url("HTTP://ollama");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->host_header, "ollama");
  auto query = parse_plain_url("http://vllm:8000?a=b#frag");
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(query->target, "/?a=b");
}

TEST(PlainUrl, BracketsIpv6Literals) {
  auto url = parse_plain_url("http://[::1]:8080/v1");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header, "[::1]:8080");
  EXPECT_EQ(url->pool_key, "[::1]:8080");
}

TEST(PlainUrl, LeavesEverythingElseToCurl) {
  for (const char* url :
       {"https://api.openai.com/v1", "ftp://host/", "http://user:pw@host/", "http://host:0/",
        "http://host:99999/", "http://host:12ab/", "http:///path", "http://[::1/", "http://ho st/",
        "http://host/pa th", "http://xn--bcher-kva.example/\x7f"}) {
    EXPECT_FALSE(parse_plain_url(url).has_value()) << url;
  }
}

}  // namespace
}  // namespace sb::upstream::detail
