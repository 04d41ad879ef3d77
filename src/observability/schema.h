#pragma once

// The observability tables, declared once. Both stores derive their DDL and their migrations
// from these declarations: migration 1 creates every table with the columns `since == 1`; a
// later migration N adds the columns `since == N` (docs/observability.md lists them).

#include <optional>
#include <span>
#include <string_view>

namespace sb::observability {

enum class Table { kRequests, kInferenceParams, kModelInferences, kFeedback };

enum class ColumnType {
  kUuid,      // canonical text; ClickHouse UUID
  kDateTime,  // unix seconds; ClickHouse DateTime (18.16 has no DateTime64)
  kString,    // text, JSON text included
  kBool,      // 0 / 1; ClickHouse UInt8
  kUInt16,
  kNullableUInt32,   // token counts: null when the provider reported none
  kFloat64,          // durations in milliseconds
  kNullableFloat64,  // time to first token: null when not streamed
  kStringArray,      // ClickHouse only (tag keys / values, 18.16 has no Map)
};

struct Column {
  std::string_view name;
  ColumnType type;
  int since = 1;  // the migration that adds it
};

struct TableSchema {
  Table table;
  std::string_view name;
  std::span<const Column> columns;
  std::string_view id_column;  // unique per row: the dedup key
  std::string_view time_column;
  std::string_view clickhouse_order_by;  // sorting (and ReplacingMergeTree dedup) key
};

std::span<const TableSchema> schemas();
const TableSchema& schema_of(Table table);
std::optional<Table> table_from_name(std::string_view name);
inline std::string_view table_name(Table table) {
  return schema_of(table).name;
}

// The newest migration version the declarations describe, and what each one does.
int latest_migration();
std::string_view migration_name(int version);

}  // namespace sb::observability
