#pragma once

// The spool: an append-only journal on local disk for batches the store could not take (store
// down, timeout, disk full on the store side) and for rows the in-memory queue had no room for.
// Replayed oldest first once the store answers again, and at the next start.
//
// Layout: <dir>/seg-<seq>.spool segment files, each a sequence of records
//   "SBS1" | u32 payload length (LE) | u32 CRC-32 of the payload (LE) | payload (encode_rows)
// and <dir>/cursor ("<seq> <offset>"), the first byte not yet replayed. Every append is
// fdatasync'd before it counts. The cursor is a hint, not a promise: a stale cursor replays a
// batch twice, which the stores absorb (idempotent ids, dedup on replay), so it is written
// without fsync. Open validates every record: a torn tail (a crash mid-append) is cut off, a
// record whose checksum fails ends its segment (logged loudly, counted as dropped).
//
// Thread-safe: appends may come from two threads while a third replays.

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "observability/rows.h"

namespace sb::observability {

class Spool {
 public:
  struct Options {
    std::string dir;
    uint64_t max_bytes = 1ull << 30;  // 0: the spool takes nothing (every append is kFull)
    uint64_t segment_bytes = 0;       // 0: max_bytes / 16, within [64 KiB, 64 MiB]
  };
  enum class AppendResult { kOk, kFull, kIoError };
  struct Entry {
    std::vector<Row> rows;
    uint64_t seq = 0;         // segment
    uint64_t end_offset = 0;  // where the next record starts
  };

  static std::expected<std::unique_ptr<Spool>, std::string> open(Options options);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends one batch as one record, durable when it returns kOk. `error` explains kIoError.
  AppendResult append(std::span<const Row> rows, std::string* error = nullptr);

  // The oldest batch not yet replayed; nullopt when there is none.
  std::optional<Entry> front();
  // Marks `entry` (the last front()) replayed; deletes segments that are done.
  void pop(const Entry& entry);

  // Sets `entry` aside for good: appends it to rejected_path() (never replayed), then pops it.
  // For a batch the store keeps refusing while it is up (bad data), so it cannot block the rest.
  void reject(const Entry& entry, std::string_view reason);
  std::string rejected_path() const;

  uint64_t bytes() const;
  bool empty() const;
  const std::string& dir() const { return options_.dir; }

 private:
  explicit Spool(Options options);
  std::string segment_path(uint64_t seq) const;
  std::expected<void, std::string> load();
  uint64_t validate_segment(uint64_t seq, uint64_t size);
  bool open_active_locked(std::string* error);
  void reclaim_locked();
  void save_cursor_locked();
  void drop_segment_locked(uint64_t seq);
  void publish_bytes_locked();

  Options options_;
  mutable std::mutex mutex_;
  std::map<uint64_t, uint64_t> segments_;  // seq → committed size
  uint64_t next_seq_ = 1;
  uint64_t total_bytes_ = 0;
  uint64_t cursor_seq_ = 0;
  uint64_t cursor_offset_ = 0;
  int active_fd_ = -1;
  uint64_t active_seq_ = 0;
};

}  // namespace sb::observability
