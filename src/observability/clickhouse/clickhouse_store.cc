#include "observability/clickhouse/clickhouse_store.h"

#include <array>
#include <charconv>
#include <set>
#include <unordered_set>

#include <boost/json/serialize.hpp>

#include "observability/clickhouse/ddl.h"
#include "observability/recent_ids.h"

namespace sb::observability::clickhouse {

namespace {

constexpr std::string_view kInsertSettings = "input_format_skip_unknown_fields=1";
constexpr size_t kIdsPerQuery = 1000;  // keeps a dedup query far below max_query_size (256 KiB)

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) out.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string string_of(const Row& row, std::string_view column) {
  const auto* v = row.values.if_contains(column);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> int_of(const Row& row, std::string_view column) {
  const auto* v = row.values.if_contains(column);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

}  // namespace

ClickHouseStore::ClickHouseStore(Url url, StoreOptions options)
    : url_(std::move(url)), options_(options), writer_(url_), reader_(url_) {}

std::expected<void, std::string> ClickHouseStore::migrate() {
  std::lock_guard lock(write_mutex_);
  auto db = quote_identifier(url_.database);
  auto created =
      writer_.query("CREATE DATABASE IF NOT EXISTS " + db, options_.write_timeout, {}, false);
  if (!created) return std::unexpected(created.error());
  auto table = writer_.query(create_migrations_table(url_.database), options_.write_timeout);
  if (!table) return std::unexpected(table.error());
  auto applied_text =
      writer_.query("SELECT version FROM " + db + ".switchboard_migrations FORMAT TabSeparated",
                    options_.read_timeout);
  if (!applied_text) return std::unexpected(applied_text.error());
  std::set<int> applied;
  for (auto line : lines_of(*applied_text)) {
    int v = 0;
    std::from_chars(line.data(), line.data() + line.size(), v);
    applied.insert(v);
  }
  for (int version = 1; version <= latest_migration(); ++version) {
    if (applied.contains(version)) continue;
    if (auto ok = apply_migration(version); !ok) {
      return std::unexpected("migration " + std::to_string(version) + ": " + ok.error());
    }
    auto recorded = writer_.query(
        "INSERT INTO " + db + ".switchboard_migrations (version, name, applied_at) VALUES (" +
            std::to_string(version) + ", " + quote_string(migration_name(version)) + ", now())",
        options_.write_timeout);
    if (!recorded) return std::unexpected(recorded.error());
  }
  return {};
}

// Migration 1 creates the tables; migration N adds the columns declared `since = N`, each only
// when system.columns does not list it yet (18.16 has no ADD COLUMN IF NOT EXISTS).
std::expected<void, std::string> ClickHouseStore::apply_migration(int version) {
  for (const auto& table : schemas()) {
    if (version == 1) {
      auto ok = writer_.query(create_table(url_.database, table), options_.write_timeout);
      if (!ok) return std::unexpected(ok.error());
      continue;
    }
    for (const auto& column : table.columns) {
      if (column.since != version) continue;
      auto present = writer_.query(
          "SELECT count() FROM system.columns WHERE database = " + quote_string(url_.database) +
              " AND table = " + quote_string(table.name) +
              " AND name = " + quote_string(column.name),
          options_.read_timeout);
      if (!present) return std::unexpected(present.error());
      if (present->starts_with("1")) continue;
      auto ok = writer_.query(add_column(url_.database, table, column), options_.write_timeout);
      if (!ok) return std::unexpected(ok.error());
    }
  }
  return {};
}

std::expected<void, std::string> ClickHouseStore::write(std::span<const Row> rows, bool replay) {
  std::array<std::vector<const Row*>, 4> by_table;
  for (const auto& row : rows) by_table[static_cast<size_t>(row.table)].push_back(&row);
  std::lock_guard lock(write_mutex_);
  for (const auto& schema : schemas()) {
    auto& group = by_table[static_cast<size_t>(schema.table)];
    if (group.empty()) continue;
    if (replay) {
      if (auto ok = drop_stored(schema, group); !ok) return ok;
      if (group.empty()) continue;
    }
    if (auto ok = insert(schema, group); !ok) return ok;
  }
  return {};
}

std::expected<void, std::string> ClickHouseStore::insert(const TableSchema& table,
                                                         std::span<const Row* const> rows) {
  std::string body = "INSERT INTO " + quote_identifier(url_.database) + "." +
                     quote_identifier(table.name) + " FORMAT JSONEachRow\n";
  for (const Row* row : rows) {
    body += boost::json::serialize(row->values);
    body += '\n';
  }
  auto ok = writer_.query(body, options_.write_timeout, kInsertSettings);
  if (!ok) return std::unexpected("insert into " + std::string(table.name) + ": " + ok.error());
  return {};
}

// Removes from `rows` those whose id is stored already, asking in chunks, narrowed to the batch's
// time range so ClickHouse reads only the partitions and key ranges involved.
std::expected<void, std::string> ClickHouseStore::drop_stored(const TableSchema& table,
                                                              std::vector<const Row*>& rows) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const Row* row : rows) {
    if (auto t = int_of(*row, table.time_column)) {
      lo = std::min(lo, *t);
      hi = std::max(hi, *t);
    }
  }
  std::unordered_set<std::string> stored;
  for (size_t start = 0; start < rows.size(); start += kIdsPerQuery) {
    std::string in;
    for (size_t i = start; i < std::min(rows.size(), start + kIdsPerQuery); ++i) {
      std::string id = string_of(*rows[i], table.id_column);
      if (!uuid_v7_unix_ms(id)) continue;  // not a UUID: the insert reports it
      in += (in.empty() ? "" : ",") + quote_string(id);
    }
    if (in.empty()) continue;
    std::string sql = "SELECT toString(" + quote_identifier(table.id_column) + ") FROM " +
                      quote_identifier(url_.database) + "." + quote_identifier(table.name) +
                      " WHERE ";
    if (lo <= hi) {
      sql += quote_identifier(table.time_column) + " >= toDateTime(" + std::to_string(lo) +
             ") AND " + quote_identifier(table.time_column) + " <= toDateTime(" +
             std::to_string(hi) + ") AND ";
    }
    sql += quote_identifier(table.id_column) + " IN (" + in + ") FORMAT TabSeparated";
    auto found = writer_.query(sql, options_.read_timeout);
    if (!found)
      return std::unexpected("dedup query on " + std::string(table.name) + ": " + found.error());
    for (auto line : lines_of(*found)) stored.emplace(line);
  }
  if (stored.empty()) return {};
  std::erase_if(rows,
                [&](const Row* r) { return stored.contains(string_of(*r, table.id_column)); });
  return {};
}

std::expected<void, std::string> ClickHouseStore::ping() {
  std::lock_guard lock(read_mutex_);
  return reader_.ping(options_.ping_timeout);
}

std::expected<bool, std::string> ClickHouseStore::contains(TargetKind kind, const std::string& id) {
  auto created = uuid_v7_unix_ms(id);
  if (!created) return false;
  // Narrow by time: a row's timestamp is when its inference ended, after its id was made; an
  // episode's inferences come after the episode id was made.
  int64_t from = *created / 1000 - 86400;
  std::string column = kind == TargetKind::kInference ? "id" : "episode_id";
  std::string sql = "SELECT count() FROM " + quote_identifier(url_.database) +
                    ".requests WHERE timestamp >= toDateTime(" +
                    std::to_string(std::max<int64_t>(0, from)) + ") AND " + column + " = " +
                    quote_string(id);
  std::lock_guard lock(read_mutex_);
  auto count = reader_.query(sql, options_.read_timeout);
  if (!count) return std::unexpected(count.error());
  return !count->starts_with("0");
}

std::expected<std::string, std::string> ClickHouseStore::drop_before(int yyyymm) {
  std::string done;
  std::lock_guard lock(write_mutex_);
  for (const auto& table : schemas()) {
    auto parts =
        writer_.query("SELECT DISTINCT partition FROM system.parts WHERE database = " +
                          quote_string(url_.database) + " AND table = " + quote_string(table.name) +
                          " AND active FORMAT TabSeparated",
                      options_.read_timeout);
    if (!parts) return std::unexpected(parts.error());
    for (auto line : lines_of(*parts)) {
      std::string_view p = line;
      if (p.size() >= 2 && p.front() == '\'') p = p.substr(1, p.size() - 2);
      int month = 0;
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), month);
      if (ec != std::errc() || end != p.data() + p.size() || month >= yyyymm) continue;
      auto ok = writer_.query("ALTER TABLE " + quote_identifier(url_.database) + "." +
                                  quote_identifier(table.name) + " DROP PARTITION " +
                                  std::to_string(month),
                              options_.write_timeout);
      if (!ok) return std::unexpected(ok.error());
      done += (done.empty() ? "" : ", ") + std::string(table.name) + " " + std::to_string(month);
    }
  }
  return done.empty() ? "no partition older than " + std::to_string(yyyymm)
                      : "dropped partitions " + done;
}

}  // namespace sb::observability::clickhouse
