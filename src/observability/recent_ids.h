#pragma once

// A bounded set of recently recorded ids (inference or episode UUIDs), oldest evicted first.
// Fed by record() on worker threads and read by POST /feedback on worker threads: both only
// take a short lock, never wait on I/O. 16 bytes per id plus the hash set's overhead.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace sb::observability {

class RecentIds {
 public:
  explicit RecentIds(size_t capacity);
  void add(std::string_view uuid);  // ignores text that is not a UUID
  bool contains(std::string_view uuid) const;
  size_t size() const;

 private:
  struct Key {
    uint64_t hi = 0, lo = 0;
    bool operator==(const Key&) const = default;
  };
  struct Hash {
    size_t operator()(const Key& k) const { return k.hi * 0x9E3779B97F4A7C15ull ^ k.lo; }
  };
  static std::optional<Key> parse(std::string_view uuid);

  size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<Key> ring_;  // insertion order, for eviction
  size_t next_ = 0;
  std::unordered_set<Key, Hash> set_;
};

// The creation time of a UUIDv7 (its first 48 bits), in unix milliseconds; nullopt if not a UUID.
std::optional<int64_t> uuid_v7_unix_ms(std::string_view uuid);

}  // namespace sb::observability
