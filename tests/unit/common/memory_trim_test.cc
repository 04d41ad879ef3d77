#include "common/memory_trim.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

struct Counting {
  int trims = 0;
  MemoryTrimmer make(std::size_t min_drop) {
    return MemoryTrimmer({.min_drop = min_drop}, [this] { ++trims; });
  }
};

TEST(MemoryTrimmer, TrimsOnceAfterABurstEnds) {
  Counting c;
  auto t = c.make(100);
  EXPECT_FALSE(t.tick(10));
  EXPECT_FALSE(t.tick(5000));
  EXPECT_FALSE(t.tick(4000));  // down 1,000 but still above half the peak
  EXPECT_TRUE(t.tick(3));
  EXPECT_EQ(c.trims, 1);
  EXPECT_FALSE(t.tick(3));  // the peak restarted at 3: nothing more to give back
  EXPECT_FALSE(t.tick(0));
  EXPECT_EQ(c.trims, 1);
}

TEST(MemoryTrimmer, IgnoresDropsSmallerThanTheMinimum) {
  Counting c;
  auto t = c.make(100);
  EXPECT_FALSE(t.tick(150));
  EXPECT_FALSE(t.tick(60));  // below half, but only 90 fewer
  EXPECT_TRUE(t.tick(50));
  EXPECT_EQ(c.trims, 1);
}

TEST(MemoryTrimmer, TrimsAgainAfterTheNextBurst) {
  Counting c;
  auto t = c.make(10);
  EXPECT_FALSE(t.tick(100));
  EXPECT_TRUE(t.tick(0));
  EXPECT_FALSE(t.tick(40));
  EXPECT_TRUE(t.tick(20));
  EXPECT_EQ(c.trims, 2);
}

TEST(MemoryTrimmer, DefaultTrimRuns) {
  MemoryTrimmer t({.min_drop = 1});
  EXPECT_FALSE(t.tick(2));
  EXPECT_TRUE(t.tick(0));  // malloc_trim(0) itself: must not crash
}

}  // namespace
}  // namespace sb
