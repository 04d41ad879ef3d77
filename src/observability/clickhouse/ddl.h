#pragma once

// ClickHouse DDL derived from schema.h. Works on 18.16 (Debian's) and current releases: no
// DateTime64, Map, LowCardinality (experimental there) or ADD COLUMN IF NOT EXISTS; the
// "new-style" MergeTree syntax (PARTITION BY / ORDER BY), available since 1.1.54310.

#include <string>
#include <string_view>

#include "observability/schema.h"

namespace sb::observability::clickhouse {

std::string_view type_name(ColumnType type);
// CREATE TABLE IF NOT EXISTS for the columns of migration 1: ReplacingMergeTree, monthly
// partitions, the table's sorting key.
std::string create_table(std::string_view database, const TableSchema& table);
std::string create_migrations_table(std::string_view database);
std::string add_column(std::string_view database, const TableSchema& table, const Column& column);

}  // namespace sb::observability::clickhouse
