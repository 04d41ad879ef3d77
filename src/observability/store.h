#pragma once

// Where rows end up: SQLite (sqlite/) or ClickHouse (clickhouse/). Every call blocks and is made
// only from the recorder's own threads: write / migrate / drop_before from the writer, ping /
// contains from the lookup thread, possibly at the same time.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "observability/rows.h"

namespace sb::observability {

enum class TargetKind { kInference, kEpisode };

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string_view name() const = 0;  // "sqlite" | "clickhouse"
  virtual std::string describe() const = 0;   // for logs: the file, or the URL without password

  // Creates or upgrades the schema to latest_migration(). Idempotent; retried until it works.
  virtual std::expected<void, std::string> migrate() = 0;
  // Writes a batch. With `replay`, some rows may be stored already (a batch replayed from the
  // spool after an ambiguous failure): they must not be stored twice.
  virtual std::expected<void, std::string> write(std::span<const Row> rows, bool replay) = 0;
  // Cheap reachability check.
  virtual std::expected<void, std::string> ping() = 0;
  // Whether an inference (requests.id) or an episode (requests.episode_id) is stored.
  virtual std::expected<bool, std::string> contains(TargetKind kind, const std::string& id) = 0;
  // Retention: deletes rows of months before `yyyymm` (e.g. 202405). Returns what it did.
  virtual std::expected<std::string, std::string> drop_before(int yyyymm) = 0;
};

}  // namespace sb::observability
