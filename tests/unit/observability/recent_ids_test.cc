#include "observability/recent_ids.h"

#include <gtest/gtest.h>

#include "common/ids.h"

namespace sb::observability {
namespace {

TEST(RecentIds, RemembersIdsAndEvictsTheOldestFirst) {
  RecentIds ids(3);
  std::vector<std::string> all;
  for (int i = 0; i < 4; ++i) all.push_back(ids::uuid_v7());
  for (int i = 0; i < 3; ++i) ids.add(all[i]);
  EXPECT_TRUE(ids.contains(all[0]));
  ids.add(all[0]);  // already there: does not count twice
  EXPECT_EQ(ids.size(), 3u);
  ids.add(all[3]);
  EXPECT_FALSE(ids.contains(all[0]));
  EXPECT_TRUE(ids.contains(all[1]));
  EXPECT_TRUE(ids.contains(all[3]));
  EXPECT_EQ(ids.size(), 3u);
}

TEST(RecentIds, IsCaseInsensitiveAndIgnoresNonUuids) {
  RecentIds ids(10);
  ids.add("0190A6B2-0000-7000-8000-00000000ABCD");
  EXPECT_TRUE(ids.contains("0190a6b2-0000-7000-8000-00000000abcd"));
  ids.add("not a uuid");
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_FALSE(ids.contains("0190a6b2000070008000000000000abcd"));
}

TEST(RecentIds, ReadsTheCreationTimeOfAUuidV7) {
  EXPECT_EQ(uuid_v7_unix_ms("0190a6b2-0000-7000-8000-000000000001"), 0x0190a6b20000);
  EXPECT_FALSE(uuid_v7_unix_ms("nope"));
}

}  // namespace
}  // namespace sb::observability
