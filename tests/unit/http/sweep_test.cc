#include "http/sweep.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>

namespace sb::http {
namespace {

using namespace std::chrono_literals;

// Runs `io` until `done` holds or five seconds passed.
template <typename Pred>
bool run_until(boost::asio::io_context& io, Pred done) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(5ms);
    io.restart();
  }
  return done();
}

TEST(Sweep, FiresAnEntryOnceAfterItsDelay) {
  boost::asio::io_context io;
  Sweep sweep(io.get_executor(), 10ms);
  int fired = 0;
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point when;
  auto f = [&] {
    ++fired;
    when = std::chrono::steady_clock::now();
  };
  SweepCall<decltype(f)> entry(f);
  sweep.arm(entry, 30ms);
  EXPECT_TRUE(entry.armed());
  ASSERT_TRUE(run_until(io, [&] { return fired > 0; }));
  EXPECT_GE(when - start, 30ms);
  EXPECT_FALSE(entry.armed());
  io.run_for(50ms);  // nothing re-fires it
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(sweep.armed(), 0u);
}

TEST(Sweep, DisarmedAndDestroyedEntriesNeverFire) {
  boost::asio::io_context io;
  Sweep sweep(io.get_executor(), 10ms);
  int fired = 0;
  auto f = [&] { ++fired; };
  SweepCall<decltype(f)> kept(f);
  SweepCall<decltype(f)> disarmed(f);
  auto destroyed = std::make_unique<SweepCall<decltype(f)>>(f);
  sweep.arm(kept, 20ms);
  sweep.arm(disarmed, 0ms);
  sweep.arm(*destroyed, 0ms);
  disarmed.disarm();
  destroyed.reset();
  ASSERT_TRUE(run_until(io, [&] { return fired > 0; }));
  EXPECT_EQ(fired, 1);  // only `kept`
}

TEST(Sweep, ReArmingMovesTheDeadline) {
  boost::asio::io_context io;
  Sweep sweep(io.get_executor(), 10ms);
  int fired = 0;
  auto f = [&] { ++fired; };
  SweepCall<decltype(f)> entry(f);
  sweep.arm(entry, 0ms);
  sweep.arm(entry, 1h);  // pushed far away: the first deadline is gone
  io.run_for(60ms);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(sweep.armed(), 1u);
}

TEST(Sweep, AnEntryFiringCanDisarmAnotherDueInTheSameTick) {
  boost::asio::io_context io;
  Sweep sweep(io.get_executor(), 10ms);
  int fired = 0;
  std::optional<SweepCall<std::function<void()>>> second;
  auto first_fn = [&] {
    ++fired;
    second.reset();  // destroyed while due in this tick
  };
  SweepCall<decltype(first_fn)> first(first_fn);
  second.emplace([&] { fired += 100; });
  sweep.arm(first, 0ms);
  sweep.arm(*second, 0ms);
  ASSERT_TRUE(run_until(io, [&] { return fired > 0; }));
  io.run_for(30ms);
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace sb::http
