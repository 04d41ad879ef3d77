#include "common/ids.h"

#include <chrono>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace sb::ids {
namespace {

TEST(UuidV7, CanonicalTextWithVersionAndVariant) {
  for (int i = 0; i < 1000; ++i) {
    std::string id = uuid_v7();
    ASSERT_EQ(id.size(), 36u);
    for (size_t pos : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[pos], '-') << id;
    for (size_t pos = 0; pos < id.size(); ++pos) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) continue;
      char c = id[pos];
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
    }
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 9562 variant
    EXPECT_TRUE(is_uuid_v7(id));
  }
}

TEST(UuidV7, LeadsWithTheUnixMilliseconds) {
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  long long before = now_ms();
  std::string id = uuid_v7();
  long long after = now_ms();
  long long stamp = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
}

TEST(UuidV7, DistinctAcrossManyCalls) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(uuid_v7());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(UuidV7, RecognisesOnlyVersionSeven) {
  EXPECT_TRUE(is_uuid_v7("0190a6b2-0000-7000-8000-000000000001"));
  EXPECT_FALSE(is_uuid_v7("0190a6b2-0000-4000-8000-000000000001"));
  EXPECT_FALSE(is_uuid_v7("0190a6b2_0000-7000-8000-000000000001"));
  EXPECT_FALSE(is_uuid_v7("0190a6b2-0000-7000-8000-00000000000g"));
  EXPECT_FALSE(is_uuid_v7(""));
}

}  // namespace
}  // namespace sb::ids
