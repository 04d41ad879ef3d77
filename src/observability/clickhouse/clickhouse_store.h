#pragma once

// The ClickHouse store, over the HTTP interface: batched INSERT ... FORMAT JSONEachRow,
// versioned idempotent migrations (switchboard_migrations), dedup on replay by asking which ids
// of a replayed batch are stored already (non-replicated MergeTree does not deduplicate inserts
// on 18.16), with ReplacingMergeTree as the second line: a duplicate that slips through folds
// away at merge time (and under FINAL).

#include <chrono>
#include <memory>
#include <mutex>

#include "observability/clickhouse/connection.h"
#include "observability/clickhouse/url.h"
#include "observability/store.h"

namespace sb::observability::clickhouse {

struct StoreOptions {
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds read_timeout{2000};
  std::chrono::milliseconds ping_timeout{1000};
};

class ClickHouseStore final : public Store {
 public:
  explicit ClickHouseStore(Url url, StoreOptions options = {});

  std::string_view name() const override { return "clickhouse"; }
  std::string describe() const override { return url_.redacted(); }
  std::expected<void, std::string> migrate() override;
  std::expected<void, std::string> write(std::span<const Row> rows, bool replay) override;
  std::expected<void, std::string> ping() override;
  std::expected<bool, std::string> contains(TargetKind kind, const std::string& id) override;
  std::expected<std::string, std::string> drop_before(int yyyymm) override;

 private:
  std::expected<void, std::string> apply_migration(int version);
  std::expected<void, std::string> insert(const TableSchema& table,
                                          std::span<const Row* const> rows);
  std::expected<void, std::string> drop_stored(const TableSchema& table,
                                               std::vector<const Row*>& rows);

  Url url_;
  StoreOptions options_;
  std::mutex write_mutex_;  // the writer's connection
  Connection writer_;
  std::mutex read_mutex_;  // lookups and pings
  Connection reader_;
};

}  // namespace sb::observability::clickhouse
