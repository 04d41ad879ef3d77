#include "observability/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <ctime>
#include <filesystem>

namespace sb::observability::sqlite {

namespace {

// Indexes of migration 1 (ids are primary keys already).
constexpr std::string_view kIndexes[] = {
    "CREATE INDEX IF NOT EXISTS requests_by_time ON requests (timestamp)",
    "CREATE INDEX IF NOT EXISTS requests_by_model ON requests (model, timestamp)",
    "CREATE INDEX IF NOT EXISTS requests_by_episode ON requests (episode_id)",
    "CREATE INDEX IF NOT EXISTS model_inferences_by_request ON model_inferences (request_id)",
    "CREATE INDEX IF NOT EXISTS model_inferences_by_time ON model_inferences (timestamp)",
    "CREATE INDEX IF NOT EXISTS feedback_by_target ON feedback (target_id)",
    "CREATE INDEX IF NOT EXISTS feedback_by_metric ON feedback (metric_name, timestamp)",
};

// SQLite keeps what ClickHouse keeps, except the tag arrays (json_each(tags) serves instead).
bool stored_here(const Column& c) {
  return c.type != ColumnType::kStringArray;
}

std::string_view sql_type(ColumnType type) {
  switch (type) {
    case ColumnType::kFloat64:
    case ColumnType::kNullableFloat64:
      return "REAL";
    case ColumnType::kUuid:
    case ColumnType::kString:
      return "TEXT";
    default:
      return "INTEGER";
  }
}

std::string create_table(const TableSchema& table) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + std::string(table.name) + " (";
  for (const auto& c : table.columns) {
    if (c.since != 1 || !stored_here(c)) continue;
    sql += std::string(c.name) + " " + std::string(sql_type(c.type));
    if (c.name == table.id_column) sql += " PRIMARY KEY";
    sql += ", ";
  }
  sql.resize(sql.size() - 2);
  return sql + ")";
}

std::string error_of(sqlite3* db, std::string_view what) {
  return std::string(what) + ": " + sqlite3_errmsg(db);
}

// Unix seconds at the start of month `yyyymm`, UTC.
int64_t month_start(int yyyymm) {
  std::tm tm{};
  tm.tm_year = yyyymm / 100 - 1900;
  tm.tm_mon = yyyymm % 100 - 1;
  tm.tm_mday = 1;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

SqliteStore::SqliteStore(std::string path, sqlite3* writer, sqlite3* reader)
    : path_(std::move(path)), writer_(writer), reader_(reader) {}

SqliteStore::~SqliteStore() {
  for (auto* stmt : inserts_) sqlite3_finalize(stmt);
  sqlite3_close_v2(writer_);
  sqlite3_close_v2(reader_);
}

std::expected<std::unique_ptr<SqliteStore>, std::string> SqliteStore::open(
    const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return std::unexpected("cannot create " + parent.string() + ": " + ec.message());
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  sqlite3* writer = nullptr;
  if (sqlite3_open_v2(path.c_str(), &writer, flags, nullptr) != SQLITE_OK) {
    std::string message = "cannot open " + path + ": " + sqlite3_errmsg(writer);
    sqlite3_close_v2(writer);
    return std::unexpected(message);
  }
  sqlite3* reader = nullptr;
  sqlite3_open_v2(path.c_str(), &reader, flags, nullptr);
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, writer, reader));
  // WAL: readers never wait for the writer; NORMAL: durable across a process crash (not a
  // power cut), without an fsync per commit.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000"}) {
    if (auto ok = store->exec(writer, pragma); !ok)
      return std::unexpected(path + ": " + ok.error());
  }
  store->exec(reader, "PRAGMA busy_timeout=5000");
  store->exec(reader, "PRAGMA query_only=1");
  return store;
}

std::expected<void, std::string> SqliteStore::exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return std::unexpected(error);
  }
  return {};
}

std::expected<void, std::string> SqliteStore::migrate() {
  std::lock_guard lock(write_mutex_);
  sqlite3_stmt* stmt = nullptr;
  int current = 0;
  if (sqlite3_prepare_v2(writer_, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    current = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  if (auto ok = exec(writer_, "BEGIN IMMEDIATE"); !ok) return ok;
  auto run = [&]() -> std::expected<void, std::string> {
    for (int version = current + 1; version <= latest_migration(); ++version) {
      for (const auto& table : schemas()) {
        if (version == 1) {
          if (auto ok = exec(writer_, create_table(table)); !ok) return ok;
          continue;
        }
        for (const auto& c : table.columns) {
          if (c.since != version || !stored_here(c)) continue;
          auto ok = exec(writer_, "ALTER TABLE " + std::string(table.name) + " ADD COLUMN " +
                                      std::string(c.name) + " " + std::string(sql_type(c.type)));
          if (!ok) return ok;
        }
      }
      if (version == 1) {
        for (auto index : kIndexes) {
          if (auto ok = exec(writer_, std::string(index)); !ok) return ok;
        }
      }
    }
    return exec(writer_, "PRAGMA user_version = " + std::to_string(latest_migration()));
  };
  if (current < latest_migration()) {
    if (auto ok = run(); !ok) {
      exec(writer_, "ROLLBACK");
      return std::unexpected("migration: " + ok.error());
    }
  }
  if (auto ok = exec(writer_, "COMMIT"); !ok) return ok;
  for (auto*& s : inserts_) {
    sqlite3_finalize(s);
    s = nullptr;
  }
  for (const auto& table : schemas()) {
    auto s = insert_statement(table);
    if (!s) return std::unexpected(s.error());
    inserts_[static_cast<size_t>(table.table)] = *s;
  }
  return {};
}

std::expected<sqlite3_stmt*, std::string> SqliteStore::insert_statement(const TableSchema& table) {
  std::string columns, params;
  int n = 0;
  for (const auto& c : table.columns) {
    if (!stored_here(c)) continue;
    columns += (n ? ", " : "") + std::string(c.name);
    params += (n ? ", ?" : "?");
    ++n;
  }
  std::string sql = "INSERT OR IGNORE INTO " + std::string(table.name) + " (" + columns +
                    ") VALUES (" + params + ")";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(writer_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(error_of(writer_, "prepare insert into " + std::string(table.name)));
  }
  return stmt;
}

std::expected<void, std::string> SqliteStore::insert(sqlite3_stmt* stmt, const TableSchema& table,
                                                     const Row& row) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  int index = 0;
  for (const auto& c : table.columns) {
    if (!stored_here(c)) continue;
    ++index;
    const auto* v = row.values.if_contains(c.name);
    if (v == nullptr || v->is_null()) continue;  // bound NULL
    if (v->is_string()) {
      const auto& s = v->as_string();
      sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    } else if (v->is_int64()) {
      sqlite3_bind_int64(stmt, index, v->as_int64());
    } else if (v->is_uint64()) {
      sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(v->as_uint64()));
    } else if (v->is_double()) {
      sqlite3_bind_double(stmt, index, v->as_double());
    } else if (v->is_bool()) {
      sqlite3_bind_int(stmt, index, v->as_bool() ? 1 : 0);
    }
  }
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    return std::unexpected(error_of(writer_, "insert into " + std::string(table.name)));
  }
  return {};
}

std::expected<void, std::string> SqliteStore::write(std::span<const Row> rows, bool replay) {
  std::lock_guard lock(write_mutex_);
  if (inserts_[0] == nullptr) return std::unexpected("schema not migrated");
  if (auto ok = exec(writer_, "BEGIN"); !ok) return ok;
  for (const auto& row : rows) {
    const auto& table = schema_of(row.table);
    if (auto ok = insert(inserts_[static_cast<size_t>(row.table)], table, row); !ok) {
      exec(writer_, "ROLLBACK");
      return ok;
    }
  }
  if (auto ok = exec(writer_, "COMMIT"); !ok) {
    exec(writer_, "ROLLBACK");
    return ok;
  }
  return {};
}

std::expected<void, std::string> SqliteStore::ping() {
  std::lock_guard lock(read_mutex_);
  return exec(reader_, "SELECT 1");
}

std::expected<bool, std::string> SqliteStore::contains(TargetKind kind, const std::string& id) {
  const char* sql = kind == TargetKind::kInference
                        ? "SELECT 1 FROM requests WHERE id = ?1 LIMIT 1"
                        : "SELECT 1 FROM requests WHERE episode_id = ?1 LIMIT 1";
  std::lock_guard lock(read_mutex_);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(reader_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(error_of(reader_, "lookup"));
  }
  sqlite3_bind_text(stmt, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::unexpected(error_of(reader_, "lookup"));
  return rc == SQLITE_ROW;
}

std::expected<std::string, std::string> SqliteStore::drop_before(int yyyymm) {
  std::lock_guard lock(write_mutex_);
  int64_t cutoff = month_start(yyyymm);
  int64_t deleted = 0;
  for (const auto& table : schemas()) {
    auto ok = exec(writer_, "DELETE FROM " + std::string(table.name) + " WHERE " +
                                std::string(table.time_column) + " < " + std::to_string(cutoff));
    if (!ok) return std::unexpected(ok.error());
    deleted += sqlite3_changes(writer_);
  }
  return "deleted " + std::to_string(deleted) + " row(s) from before " + std::to_string(yyyymm);
}

}  // namespace sb::observability::sqlite
