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

// An entry that runs a function when it fires.
class Counter final : public Sweep::Entry {
 public:
  explicit Counter(std::function<void()> f) : f_(std::move(f)) {}

 private:
  void fire() override { f_(); }
  std::function<void()> f_;
};

// An io_context, a sweep ticking every 10 ms on it, and entries that count how often they fired.
struct Rig {
  boost::asio::io_context io;
  Sweep sweep{io.get_executor(), 10ms};
  int fired = 0;

  std::function<void()> count() {
    return [this] { ++fired; };
  }
  // Runs the sweep until something fired or five seconds passed.
  bool run_until_fired() {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (fired == 0 && std::chrono::steady_clock::now() < deadline) {
      io.run_for(5ms);
      io.restart();
    }
    return fired > 0;
  }
};

TEST(Sweep, FiresAnEntryOnceAfterItsDelay) {
  Rig rig;
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point when;
  Counter entry([&] {
    ++rig.fired;
    when = std::chrono::steady_clock::now();
  });
  rig.sweep.arm(entry, 30ms);
  EXPECT_TRUE(entry.armed());
  ASSERT_TRUE(rig.run_until_fired());
  EXPECT_GE(when - start, 30ms);
  EXPECT_FALSE(entry.armed());
  rig.io.run_for(50ms);  // nothing re-fires it
  EXPECT_EQ(rig.fired, 1);
  EXPECT_EQ(rig.sweep.armed(), 0u);
}

TEST(Sweep, DisarmedAndDestroyedEntriesNeverFire) {
  Rig rig;
  Counter kept(rig.count());
  Counter disarmed(rig.count());
  auto destroyed = std::make_unique<Counter>(rig.count());
  rig.sweep.arm(kept, 20ms);
  rig.sweep.arm(disarmed, 0ms);
  rig.sweep.arm(*destroyed, 0ms);
  disarmed.disarm();
  destroyed.reset();
  ASSERT_TRUE(rig.run_until_fired());
  EXPECT_EQ(rig.fired, 1);  // only `kept`
}

TEST(Sweep, ReArmingMovesTheDeadline) {
  Rig rig;
  Counter entry(rig.count());
  rig.sweep.arm(entry, 0ms);
  rig.sweep.arm(entry, 1h);  // pushed far away: the first deadline is gone
  rig.io.run_for(60ms);
  EXPECT_EQ(rig.fired, 0);
  EXPECT_EQ(rig.sweep.armed(), 1u);
}

TEST(Sweep, AnEntryFiringCanDisarmAnotherDueInTheSameTick) {
  Rig rig;
  std::optional<Counter> second;
  Counter first([&] {
    ++rig.fired;
    second.reset();  // destroyed while due in this tick
  });
  second.emplace([&] { rig.fired += 100; });
  rig.sweep.arm(first, 0ms);
  rig.sweep.arm(*second, 0ms);
  ASSERT_TRUE(rig.run_until_fired());
  rig.io.run_for(30ms);
  EXPECT_EQ(rig.fired, 1);
}

}  // namespace
}  // namespace sb::http
