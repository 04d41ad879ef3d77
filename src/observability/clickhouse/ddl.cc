#include "observability/clickhouse/ddl.h"

#include "observability/clickhouse/url.h"

namespace sb::observability::clickhouse {

std::string_view type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kUuid:
      return "UUID";
    case ColumnType::kDateTime:
      return "DateTime";
    case ColumnType::kString:
      return "String";
    case ColumnType::kBool:
      return "UInt8";
    case ColumnType::kUInt16:
      return "UInt16";
    case ColumnType::kNullableUInt32:
      return "Nullable(UInt32)";
    case ColumnType::kFloat64:
      return "Float64";
    case ColumnType::kNullableFloat64:
      return "Nullable(Float64)";
    case ColumnType::kStringArray:
      return "Array(String)";
  }
  return "String";
}

std::string create_table(std::string_view database, const TableSchema& table) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(database) + "." +
                    quote_identifier(table.name) + " (";
  bool first = true;
  for (const auto& c : table.columns) {
    if (c.since != 1) continue;
    if (!first) sql += ", ";
    first = false;
    sql += quote_identifier(c.name) + " " + std::string(type_name(c.type));
  }
  sql += ") ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(" + std::string(table.time_column) +
         ") ORDER BY " + std::string(table.clickhouse_order_by);
  return sql;
}

std::string create_migrations_table(std::string_view database) {
  return "CREATE TABLE IF NOT EXISTS " + quote_identifier(database) +
         ".switchboard_migrations (version UInt32, name String, applied_at DateTime) "
         "ENGINE = MergeTree() ORDER BY version";
}

std::string add_column(std::string_view database, const TableSchema& table, const Column& column) {
  return "ALTER TABLE " + quote_identifier(database) + "." + quote_identifier(table.name) +
         " ADD COLUMN " + quote_identifier(column.name) + " " + std::string(type_name(column.type));
}

}  // namespace sb::observability::clickhouse
