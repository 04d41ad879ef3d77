#include "observability/spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "observability/stats.h"
#include "test_util.h"

namespace sb::observability {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::vector<Row> batch(int n, int tag) {
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    rows.push_back({Table::kFeedback, {{"id", "x"}, {"batch", tag}, {"i", i}}});
  }
  return rows;
}

int tag_of(const Spool::Entry& e) {
  return static_cast<int>(e.rows.at(0).values.at("batch").as_int64());
}

std::vector<fs::path> segments(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".spool") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Spool, ReplaysBatchesInOrderAndEmpties) {
  TempDir dir;
  auto spool = Spool::open({.dir = dir.path()});
  ASSERT_TRUE(spool) << spool.error();
  EXPECT_TRUE((*spool)->empty());
  for (int i = 0; i < 5; ++i) ASSERT_EQ((*spool)->append(batch(3, i)), Spool::AppendResult::kOk);
  EXPECT_FALSE((*spool)->empty());
  for (int i = 0; i < 5; ++i) {
    auto e = (*spool)->front();
    ASSERT_TRUE(e);
    EXPECT_EQ(tag_of(*e), i);
    EXPECT_EQ(e->rows.size(), 3u);
    (*spool)->pop(*e);
  }
  EXPECT_FALSE((*spool)->front());
  EXPECT_TRUE((*spool)->empty());
  EXPECT_EQ((*spool)->bytes(), 0u);
  EXPECT_TRUE(segments(dir.path()).empty());
}

TEST(Spool, FrontWithoutPopReturnsTheSameBatch) {
  TempDir dir;
  auto spool = *Spool::open({.dir = dir.path()});
  spool->append(batch(1, 7));
  spool->append(batch(1, 8));
  EXPECT_EQ(tag_of(*spool->front()), 7);
  EXPECT_EQ(tag_of(*spool->front()), 7);
}

TEST(Spool, ReopenResumesAfterTheLastReplayedBatch) {
  TempDir dir;
  {
    auto spool = *Spool::open({.dir = dir.path()});
    for (int i = 0; i < 4; ++i) spool->append(batch(2, i));
    spool->pop(*spool->front());
    spool->pop(*spool->front());
  }
  auto spool = *Spool::open({.dir = dir.path()});
  EXPECT_EQ(tag_of(*spool->front()), 2);
  spool->pop(*spool->front());
  spool->append(batch(1, 9));
  EXPECT_EQ(tag_of(*spool->front()), 3);
  spool->pop(*spool->front());
  EXPECT_EQ(tag_of(*spool->front()), 9);
}

TEST(Spool, ATornTailIsCutAndEarlierBatchesSurvive) {
  TempDir dir;
  {
    auto spool = *Spool::open({.dir = dir.path()});
    spool->append(batch(2, 1));
    spool->append(batch(2, 2));
  }
  auto seg = segments(dir.path()).at(0);
  auto size = fs::file_size(seg);
  fs::resize_file(seg, size - 5);  // a crash in the middle of the second append
  auto spool = *Spool::open({.dir = dir.path()});
  EXPECT_EQ(tag_of(*spool->front()), 1);
  spool->pop(*spool->front());
  EXPECT_FALSE(spool->front());
  spool->append(batch(1, 3));  // appends after the cut, not after the garbage
  EXPECT_EQ(tag_of(*spool->front()), 3);
}

TEST(Spool, AChecksumMismatchEndsTheSegment) {
  TempDir dir;
  {
    auto spool = *Spool::open({.dir = dir.path()});
    spool->append(batch(1, 1));
    spool->append(batch(1, 2));
    spool->append(batch(1, 3));
  }
  auto seg = segments(dir.path()).at(0);
  auto first = Spool::open({.dir = dir.path()});
  auto e = (*first)->front();
  uint64_t second_record = e->end_offset;
  first->reset();
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(second_record + 20));
    f.put('#');  // flips a payload byte of batch 2
  }
  auto spool = *Spool::open({.dir = dir.path()});
  EXPECT_EQ(tag_of(*spool->front()), 1);
  spool->pop(*spool->front());
  EXPECT_FALSE(spool->front());
}

TEST(Spool, RefusesAppendsBeyondItsBound) {
  TempDir dir;
  auto spool = *Spool::open({.dir = dir.path(), .max_bytes = 600});
  int accepted = 0;
  while (spool->append(batch(2, accepted)) == Spool::AppendResult::kOk) ++accepted;
  EXPECT_GT(accepted, 0);
  EXPECT_LE(spool->bytes(), 600u);
  EXPECT_EQ(spool->append(batch(2, 99)), Spool::AppendResult::kFull);
  spool->pop(*spool->front());  // room again once replayed (the segment is deleted when done)
  while (spool->front()) spool->pop(*spool->front());
  EXPECT_EQ(spool->append(batch(2, 100)), Spool::AppendResult::kOk);
}

TEST(Spool, ZeroBytesTakesNothing) {
  TempDir dir;
  auto spool = *Spool::open({.dir = dir.path(), .max_bytes = 0});
  EXPECT_EQ(spool->append(batch(1, 1)), Spool::AppendResult::kFull);
}

TEST(Spool, RotatesSegmentsAndDeletesReplayedOnes) {
  TempDir dir;
  auto spool = *Spool::open({.dir = dir.path(), .max_bytes = 1 << 20, .segment_bytes = 200});
  for (int i = 0; i < 10; ++i) ASSERT_EQ(spool->append(batch(2, i)), Spool::AppendResult::kOk);
  size_t before = segments(dir.path()).size();
  EXPECT_GT(before, 2u);
  for (int i = 0; i < 10; ++i) {
    auto e = spool->front();
    ASSERT_TRUE(e);
    EXPECT_EQ(tag_of(*e), i);
    spool->pop(*e);
  }
  EXPECT_TRUE(segments(dir.path()).empty());
  EXPECT_EQ(stats().spool_bytes.load(), 0);
}

TEST(Spool, RejectSetsABatchAsideAndMovesOn) {
  TempDir dir;
  auto spool = *Spool::open({.dir = dir.path()});
  spool->append(batch(1, 1));
  spool->append(batch(1, 2));
  spool->reject(*spool->front(), "bad data");
  EXPECT_EQ(tag_of(*spool->front()), 2);
  std::ifstream in(spool->rejected_path());
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(all.find("# rejected: bad data"), std::string::npos);
  EXPECT_NE(all.find("\"batch\":1"), std::string::npos);
}

}  // namespace
}  // namespace sb::observability
