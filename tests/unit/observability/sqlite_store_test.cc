#include "observability/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "test_util.h"

namespace sb::observability::sqlite {
namespace {

using testing::sample_record;
using testing::TempDir;

int64_t count(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

std::unique_ptr<SqliteStore> open_migrated(const std::string& path) {
  auto store = SqliteStore::open(path);
  EXPECT_TRUE(store) << store.error();
  auto ok = (*store)->migrate();
  EXPECT_TRUE(ok) << ok.error();
  return std::move(*store);
}

TEST(SqliteStore, CreatesItsDirectoryAndSchemaInWalMode) {
  TempDir dir;
  std::string path = dir.file("nested/sb.db");
  auto store = open_migrated(path);
  EXPECT_EQ(count(path, "PRAGMA user_version"), latest_migration());
  EXPECT_EQ(count(path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 4);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  sqlite3_step(stmt);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_TRUE(store->migrate());  // idempotent
}

TEST(SqliteStore, WritesEveryTableAndIgnoresReplayedRows) {
  TempDir dir;
  std::string path = dir.file("sb.db");
  auto store = open_migrated(path);
  auto record = sample_record("m1");
  std::vector<Row> rows;
  append_rows(*record, rows);
  ASSERT_TRUE(store->write(rows, false));
  ASSERT_TRUE(store->write(rows, true));  // a replay of the same batch
  EXPECT_EQ(count(path, "SELECT count(*) FROM requests"), 1);
  EXPECT_EQ(count(path, "SELECT count(*) FROM inference_params"), 1);
  EXPECT_EQ(count(path, "SELECT count(*) FROM model_inferences"), 2);
  EXPECT_EQ(count(path, "SELECT prompt_tokens + completion_tokens FROM requests"), 8);
  EXPECT_EQ(
      count(path, "SELECT count(*) FROM model_inferences WHERE status = 'error' AND attempt = 1"),
      1);
  EXPECT_EQ(
      count(path,
            "SELECT count(*) FROM requests, json_each(requests.tags) WHERE json_each.key = 'user'"),
      1);
}

TEST(SqliteStore, FindsInferencesAndEpisodes) {
  TempDir dir;
  auto store = open_migrated(dir.file("sb.db"));
  auto record = sample_record();
  std::vector<Row> rows;
  append_rows(*record, rows);
  ASSERT_TRUE(store->write(rows, false));
  EXPECT_EQ(store->contains(TargetKind::kInference, record->id), true);
  EXPECT_EQ(store->contains(TargetKind::kEpisode, record->episode_id), true);
  EXPECT_EQ(store->contains(TargetKind::kInference, record->episode_id), false);
  EXPECT_TRUE(store->ping());
}

TEST(SqliteStore, RetentionDeletesOlderMonths) {
  TempDir dir;
  std::string path = dir.file("sb.db");
  auto store = open_migrated(path);
  std::vector<Row> rows;
  auto old_record = sample_record();
  old_record->timestamp_ms = 1704067200000;  // 2024-01-01
  append_rows(*old_record, rows);
  append_rows(*sample_record(), rows);  // 2024-06-01
  ASSERT_TRUE(store->write(rows, false));
  auto done = store->drop_before(202402);
  ASSERT_TRUE(done) << done.error();
  EXPECT_EQ(count(path, "SELECT count(*) FROM requests"), 1);
  EXPECT_EQ(count(path, "SELECT count(*) FROM model_inferences"), 2);
}

TEST(SqliteStore, UpgradesAVersionOneFile) {
  TempDir dir;
  std::string path = dir.file("sb.db");
  open_migrated(path);
  {  // back to what migration 1 made
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db,
                           "ALTER TABLE requests DROP COLUMN cache_write_tokens;"
                           "ALTER TABLE model_inferences DROP COLUMN cache_write_tokens;"
                           "PRAGMA user_version = 1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = open_migrated(path);
  EXPECT_EQ(count(path, "PRAGMA user_version"), 2);
  EXPECT_EQ(
      count(path,
            "SELECT count(*) FROM pragma_table_info('requests') WHERE name = 'cache_write_tokens'"),
      1);
  std::vector<Row> rows;
  append_rows(*sample_record(), rows);
  EXPECT_TRUE(store->write(rows, false));
}

TEST(SqliteStore, ReportsAPathItCannotCreate) {
  TempDir dir;
  std::ofstream(dir.file("plain")) << "a file, not a directory";
  auto store = SqliteStore::open(dir.file("plain/sb.db"));
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find("plain"), std::string::npos);
}

}  // namespace
}  // namespace sb::observability::sqlite
