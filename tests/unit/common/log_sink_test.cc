#include "common/log_sink.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

namespace sb::log {
namespace {

using namespace std::chrono_literals;

// A sink writing into an anonymous file, and a logger in front of it that prints bare messages.
struct Fixture {
  int fd = ::memfd_create("log_sink_test", 0);
  std::shared_ptr<DeferredSink> sink;
  spdlog::logger logger;

  explicit Fixture(size_t max_pending = DeferredSink::kDefaultMaxPending,
                   std::chrono::milliseconds batch = DeferredSink::kDefaultBatch)
      : sink(std::make_shared<DeferredSink>(fd, max_pending, batch)), logger("test", sink) {
    logger.set_pattern("%v");
    logger.set_level(spdlog::level::trace);
  }
  ~Fixture() {
    sink->stop();
    ::close(fd);
  }

  std::string written() const {
    std::string out(static_cast<size_t>(::lseek(fd, 0, SEEK_END)), '\0');
    EXPECT_EQ(::pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
    return out;
  }

  // Polls until `text` has been written or five seconds passed.
  bool wait_for(const std::string& text) const {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (written().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }
};

TEST(DeferredSink, WritesEveryLineOfEveryThreadInOrder) {
  Fixture f;
  f.sink->start();
  constexpr int kLines = 3000;
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&f, t] {
      for (int i = 0; i < kLines; ++i) f.logger.info("t{} {}", t, i);
    });
  }
  for (auto& t : threads) t.join();
  f.sink->stop();

  std::string out = f.written();
  int next[3] = {0, 0, 0};
  size_t lines = 0;
  for (size_t pos = 0; pos < out.size();) {
    size_t end = out.find('\n', pos);
    ASSERT_NE(end, std::string::npos);
    std::string line = out.substr(pos, end - pos);
    int t = line[1] - '0';
    ASSERT_TRUE(t >= 0 && t < 3) << line;
    EXPECT_EQ(line, "t" + std::to_string(t) + " " + std::to_string(next[t]));
    ++next[t];
    ++lines;
    pos = end + 1;
  }
  EXPECT_EQ(lines, 3u * kLines);
  EXPECT_EQ(f.sink->dropped(), 0u);
}

TEST(DeferredSink, AnInfoLineWaitsForTheBatchButAWarningGoesOutAtOnce) {
  Fixture f(DeferredSink::kDefaultMaxPending, std::chrono::hours(1));
  f.sink->start();
  f.logger.info("quiet line");
  f.logger.warn("loud line");
  EXPECT_TRUE(f.wait_for("quiet line\nloud line\n")) << f.written();
}

TEST(DeferredSink, FlushWritesPendingLinesWithoutWaitingForTheBatch) {
  Fixture f(DeferredSink::kDefaultMaxPending, std::chrono::hours(1));
  f.sink->start();
  f.logger.info("first");
  f.logger.flush();
  EXPECT_TRUE(f.wait_for("first\n")) << f.written();
}

TEST(DeferredSink, DropsAndCountsLinesBeyondTheBacklog) {
  Fixture f(/*max_pending=*/25);
  // Not started: nothing drains, so the backlog fills.
  for (int i = 0; i < 10; ++i) f.logger.info("line {}", i);  // 7 bytes each
  EXPECT_EQ(f.sink->dropped(), 7u);
  f.sink->stop();
  EXPECT_EQ(f.written(), "line 0\nline 1\nline 2\n");
}

TEST(DeferredSink, LinesAfterStopAreWrittenDirectly) {
  Fixture f;
  f.sink->start();
  f.logger.info("before");
  f.sink->stop();
  f.logger.error("after");
  EXPECT_EQ(f.written(), "before\nafter\n");
}

}  // namespace
}  // namespace sb::log
