#include "routing/breaker.h"

#include <gtest/gtest.h>

namespace sb::routing {
namespace {

using Clock = Breaker::Clock;
using std::chrono::milliseconds;

BreakerOptions opts() {
  return BreakerOptions{.failure_threshold = 3,
                        .failure_ratio = 0.5,
                        .min_requests = 10,
                        .window = milliseconds(1000),
                        .open_for = milliseconds(100)};
}

TEST(Breaker, OpensAfterConsecutiveFailuresAndSkips) {
  Breaker b(opts());
  auto t = Clock::now();
  EXPECT_TRUE(b.allow(t));
  EXPECT_FALSE(b.report(false, t));
  EXPECT_FALSE(b.report(false, t));
  EXPECT_EQ(b.report(false, t), BreakerState::kOpen);
  EXPECT_FALSE(b.allow(t + milliseconds(50)));
}

TEST(Breaker, HalfOpenLetsOneProbeThroughAndClosesOnSuccess) {
  Breaker b(opts());
  auto t = Clock::now();
  for (int i = 0; i < 3; ++i) b.report(false, t);
  auto later = t + milliseconds(150);
  EXPECT_TRUE(b.allow(later));   // the probe
  EXPECT_FALSE(b.allow(later));  // only one at a time
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(b.report(true, later), BreakerState::kClosed);
  EXPECT_TRUE(b.allow(later));
}

TEST(Breaker, FailedProbeReopens) {
  Breaker b(opts());
  auto t = Clock::now();
  for (int i = 0; i < 3; ++i) b.report(false, t);
  auto later = t + milliseconds(150);
  ASSERT_TRUE(b.allow(later));
  EXPECT_EQ(b.report(false, later), BreakerState::kOpen);
  EXPECT_FALSE(b.allow(later + milliseconds(50)));
  EXPECT_TRUE(b.allow(later + milliseconds(150)));
}

TEST(Breaker, SuccessResetsTheConsecutiveCount) {
  Breaker b(opts());
  auto t = Clock::now();
  b.report(false, t);
  b.report(false, t);
  b.report(true, t);
  b.report(false, t);
  b.report(false, t);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(Breaker, OpensOnErrorRatioOverTheWindow) {
  Breaker b(opts());
  auto t = Clock::now();
  // Alternating: never 3 in a row, but 6 of 11 fail.
  for (int i = 0; i < 11; ++i) b.report(i % 2 == 0, t);
  EXPECT_EQ(b.state(), BreakerState::kClosed);         // 5 of 11 failed: at the ratio, not over it
  EXPECT_EQ(b.report(false, t), std::nullopt);         // 6 of 12: not over half
  EXPECT_EQ(b.report(false, t), BreakerState::kOpen);  // 7 of 13: over half, only 2 in a row
}

TEST(BreakerBoard, KeysByModelAndProviderAndSnapshots) {
  BreakerBoard board(opts());
  auto& a = board.get("m", "p");
  EXPECT_EQ(&a, &board.get("m", "p"));
  EXPECT_NE(&a, &board.get("m", "q"));
  auto t = Clock::now();
  for (int i = 0; i < 3; ++i) a.report(false, t);
  int open = 0;
  for (const auto& s : board.snapshot()) {
    if (s.model == "m" && s.provider == "p") {
      EXPECT_EQ(s.state, BreakerState::kOpen);
      ++open;
    }
  }
  EXPECT_EQ(open, 1);
}

// Keys too long for the lookup's stack buffer go through the heap and still find their breaker.
TEST(BreakerBoard, LongNamesKeepTheirOwnBreakers) {
  BreakerBoard board(opts());
  const std::string model(300, 'm');
  const std::string provider(200, 'p');
  auto& a = board.get(model, provider);
  EXPECT_EQ(&a, &board.get(model, provider));
  EXPECT_NE(&a, &board.get(model, provider + "x"));
  EXPECT_NE(&a, &board.get("m", "p"));
  bool seen = false;
  for (const auto& s : board.snapshot())
    seen = seen || (s.model == model && s.provider == provider);
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace sb::routing
