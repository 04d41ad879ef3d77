#include "observability/recorder.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>
#include <thread>

#include "observability/stats.h"
#include "test_util.h"

namespace sb::observability {
namespace {

using namespace std::chrono_literals;
using testing::sample_record;
using testing::TempDir;

// A store in memory whose failures the test controls.
class FakeStore final : public Store {
 public:
  enum class Mode { kOk, kDown, kWriteThenFail, kRefuseData };
  std::atomic<Mode> mode{Mode::kOk};
  std::atomic<bool> hold{false};  // write() waits while set: a store stuck on a slow insert

  std::string_view name() const override { return "sqlite"; }
  std::string describe() const override { return "fake"; }
  std::expected<void, std::string> migrate() override { return up(); }
  std::expected<void, std::string> ping() override {
    return mode == Mode::kDown ? up() : std::expected<void, std::string>{};
  }
  std::expected<void, std::string> write(std::span<const Row> rows, bool replay) override {
    while (hold) std::this_thread::sleep_for(1ms);
    if (mode == Mode::kDown) return up();
    if (mode == Mode::kRefuseData) return std::unexpected("Cannot parse input");
    std::lock_guard lock(mutex_);
    for (const auto& r : rows) {
      auto key = std::make_pair(r.table,
                                std::string(r.values.at(schema_of(r.table).id_column).as_string()));
      if (replay && stored_.contains(key)) continue;
      ++stored_[key];
    }
    ++writes_;
    if (mode == Mode::kWriteThenFail) {
      mode = Mode::kOk;
      return std::unexpected("connection reset after the insert was applied");
    }
    return {};
  }
  std::expected<bool, std::string> contains(TargetKind kind, const std::string& id) override {
    std::lock_guard lock(mutex_);
    for (const auto& [key, _] : stored_) {
      if (key.first == Table::kRequests && key.second == id) return kind == TargetKind::kInference;
    }
    return false;
  }
  std::expected<std::string, std::string> drop_before(int) override { return "nothing"; }

  size_t count(Table t) {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& [key, _] : stored_) n += key.first == t;
    return n;
  }
  size_t duplicates() {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& [_, times] : stored_) n += times - 1;
    return n;
  }

 private:
  std::expected<void, std::string> up() {
    if (mode == Mode::kDown) return std::unexpected("connection refused");
    return {};
  }
  std::mutex mutex_;
  std::map<std::pair<Table, std::string>, int> stored_;
  int writes_ = 0;
};

struct Harness {
  TempDir dir;
  FakeStore* store = nullptr;
  std::shared_ptr<Recorder> recorder;

  explicit Harness(RecorderOptions options = {}, uint64_t spool_bytes = 1 << 26,
                   FakeStore::Mode mode = FakeStore::Mode::kOk) {
    auto fake = std::make_unique<FakeStore>();
    fake->mode = mode;
    store = fake.get();
    auto spool = Spool::open({.dir = dir.path(), .max_bytes = spool_bytes});
    options.retry_max = 50ms;
    options.health_interval = 20ms;
    recorder = Recorder::start(std::move(fake), std::move(*spool), options);
  }
};

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return done();
}

TEST(Recorder, WritesEveryInferenceOnce) {
  Harness h;
  for (int i = 0; i < 50; ++i) h.recorder->record(sample_record());
  EXPECT_TRUE(eventually([&] { return h.store->count(Table::kRequests) == 50; }));
  h.recorder->stop();
  EXPECT_EQ(h.store->count(Table::kModelInferences), 100u);
  EXPECT_EQ(h.store->count(Table::kInferenceParams), 50u);
  EXPECT_EQ(h.store->duplicates(), 0u);
}

TEST(Recorder, StopFlushesWhatIsQueued) {
  Harness h({.flush_interval = 10s, .max_rows = 1000});
  for (int i = 0; i < 10; ++i) h.recorder->record(sample_record());
  h.recorder->stop();
  EXPECT_EQ(h.store->count(Table::kRequests), 10u);
}

TEST(Recorder, DryRunsAreNotStored) {
  Harness h;
  auto r = sample_record();
  r->dryrun = true;
  h.recorder->record(r);
  h.recorder->stop();
  EXPECT_EQ(h.store->count(Table::kRequests), 0u);
  EXPECT_FALSE(h.recorder->recently_seen(TargetKind::kInference, r->id));
}

TEST(Recorder, SpoolsWhileTheStoreIsDownAndReplaysOnceWhenItIsBack) {
  Harness h({}, 1 << 26, FakeStore::Mode::kDown);
  auto spooled = stats().rows_spooled.load();
  for (int i = 0; i < 30; ++i) h.recorder->record(sample_record());
  EXPECT_TRUE(eventually([&] { return stats().rows_spooled.load() >= spooled + 30 * 4; }));
  EXPECT_EQ(h.store->count(Table::kRequests), 0u);
  EXPECT_EQ(h.recorder->problem(), "SQLite store unavailable: connection refused");
  h.store->mode = FakeStore::Mode::kOk;
  EXPECT_TRUE(eventually([&] { return h.store->count(Table::kRequests) == 30; }));
  EXPECT_TRUE(eventually([&] { return !h.recorder->problem(); }));
  h.recorder->stop();
  EXPECT_EQ(h.store->duplicates(), 0u);
  EXPECT_EQ(stats().spool_bytes.load(), 0);
}

TEST(Recorder, AWriteThatFailsAfterLandingIsNotDuplicatedByTheReplay) {
  Harness h;
  h.store->mode = FakeStore::Mode::kWriteThenFail;
  for (int i = 0; i < 5; ++i) h.recorder->record(sample_record());
  EXPECT_TRUE(eventually(
      [&] { return h.store->count(Table::kRequests) == 5 && stats().spool_bytes.load() == 0; }));
  h.recorder->stop();
  EXPECT_EQ(h.store->duplicates(), 0u);
}

TEST(Recorder, AFullQueueSpillsToTheSpoolInsteadOfDropping) {
  Harness h({.max_rows = 50, .queue_capacity = 1000});
  h.store->hold = true;  // the writer is stuck inside a write
  h.recorder->record(sample_record());
  EXPECT_TRUE(eventually([&] { return stats().queue_depth.load() == 0; }));
  auto dropped = stats().rows_dropped.load();
  int64_t deepest = 0;
  for (int i = 0; i < 2000; ++i) {
    h.recorder->record(sample_record());
    // Paced like requests: the spill thread keeps up with this rate, so nothing is dropped.
    if (i % 5 == 4) std::this_thread::sleep_for(1ms);
    deepest = std::max(deepest, stats().queue_depth.load());
  }
  EXPECT_LE(deepest, 1000);
  EXPECT_EQ(stats().rows_dropped.load(), dropped);
  EXPECT_GT(stats().spool_bytes.load(), 0);
  h.store->hold = false;
  EXPECT_TRUE(eventually([&] { return h.store->count(Table::kRequests) == 2001; }));
  h.recorder->stop();
  EXPECT_EQ(h.store->duplicates(), 0u);
}

TEST(Recorder, AFullSpoolDropsAndCounts) {
  Harness h({.max_rows = 2}, 64 << 10, FakeStore::Mode::kDown);
  auto dropped = stats().rows_dropped.load();
  auto spooled = stats().rows_spooled.load();
  for (int i = 0; i < 100; ++i) {
    h.recorder->record(sample_record());
    std::this_thread::sleep_for(1ms);
  }
  h.recorder->stop();
  auto lost = stats().rows_dropped.load() - dropped;
  auto kept = stats().rows_spooled.load() - spooled;
  EXPECT_GT(lost, 0u);
  EXPECT_GT(kept, 0u);
  EXPECT_EQ(lost + kept, 100u * 4);
}

TEST(Recorder, SetsAsideABatchTheStoreKeepsRefusing) {
  Harness h;
  h.store->mode = FakeStore::Mode::kRefuseData;
  auto dropped = stats().rows_dropped.load();
  h.recorder->record(sample_record());
  EXPECT_TRUE(eventually([&] { return stats().rows_dropped.load() == dropped + 4; }));
  h.store->mode = FakeStore::Mode::kOk;
  h.recorder->record(sample_record());
  EXPECT_TRUE(eventually([&] { return h.store->count(Table::kRequests) == 1; }));
  h.recorder->stop();
}

TEST(Recorder, AnswersTargetLookupsFromTheIndexAndTheStore) {
  Harness h;
  auto r = sample_record();
  h.recorder->record(r);
  EXPECT_TRUE(h.recorder->recently_seen(TargetKind::kInference, r->id));
  EXPECT_TRUE(h.recorder->recently_seen(TargetKind::kEpisode, r->episode_id));
  EXPECT_TRUE(eventually([&] { return h.store->count(Table::kRequests) == 1; }));
  std::promise<LookupResult> found, missing;
  h.recorder->lookup(TargetKind::kInference, r->id, [&](LookupResult x) { found.set_value(x); });
  h.recorder->lookup(TargetKind::kInference, "0190a6b2-0000-7000-8000-000000000001",
                     [&](LookupResult x) { missing.set_value(x); });
  EXPECT_EQ(found.get_future().get(), true);
  EXPECT_EQ(missing.get_future().get(), false);
}

TEST(Recorder, FeedbackRowsAreWrittenToo) {
  Harness h;
  h.recorder->submit({Table::kFeedback, {{"id", "0190a6b2-0000-7000-8000-000000000009"}}});
  h.recorder->stop();
  EXPECT_EQ(h.store->count(Table::kFeedback), 1u);
}

TEST(Recorder, ReplaysASpoolLeftByAnEarlierRun) {
  TempDir dir;
  {
    auto spool = *Spool::open({.dir = dir.path()});
    std::vector<Row> rows;
    append_rows(*sample_record(), rows);
    append_rows(*sample_record(), rows);
    spool->append(rows);
  }
  auto fake = std::make_unique<FakeStore>();
  auto* store = fake.get();
  auto recorder =
      Recorder::start(std::move(fake), *Spool::open({.dir = dir.path()}), {.flush_interval = 10ms});
  EXPECT_TRUE(eventually([&] { return store->count(Table::kRequests) == 2; }));
  recorder->stop();
}

}  // namespace
}  // namespace sb::observability
