#pragma once

// The zero-setup store: one SQLite file in WAL mode. The writer thread owns one connection
// (INSERT OR IGNORE in one transaction per batch: a replayed row is a no-op), the lookup
// thread another (WAL lets it read while the writer writes). Migrations: PRAGMA user_version.

#include <expected>
#include <memory>
#include <mutex>
#include <string>

#include "observability/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sb::observability::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens (creating it and its directory when missing) the file at `path`.
  static std::expected<std::unique_ptr<SqliteStore>, std::string> open(const std::string& path);
  ~SqliteStore() override;

  std::string_view name() const override { return "sqlite"; }
  std::string describe() const override { return path_; }
  std::expected<void, std::string> migrate() override;
  std::expected<void, std::string> write(std::span<const Row> rows, bool replay) override;
  std::expected<void, std::string> ping() override;
  std::expected<bool, std::string> contains(TargetKind kind, const std::string& id) override;
  std::expected<std::string, std::string> drop_before(int yyyymm) override;

 private:
  SqliteStore(std::string path, sqlite3* writer, sqlite3* reader);
  std::expected<void, std::string> exec(sqlite3* db, const std::string& sql);
  std::expected<void, std::string> insert(sqlite3_stmt* stmt, const TableSchema& table,
                                          const Row& row);
  std::expected<sqlite3_stmt*, std::string> insert_statement(const TableSchema& table);

  std::string path_;
  std::mutex write_mutex_;
  sqlite3* writer_;
  sqlite3_stmt* inserts_[4] = {};  // per table, prepared once the schema is current
  std::mutex read_mutex_;
  sqlite3* reader_;
};

}  // namespace sb::observability::sqlite
