#include "observability/recent_ids.h"

namespace sb::observability {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The 32 hex digits of a canonical UUID (8-4-4-4-12), or nothing.
bool digits_of(std::string_view uuid, char out[32]) {
  if (uuid.size() != 36) return false;
  int n = 0;
  for (size_t i = 0; i < uuid.size(); ++i) {
    bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here != (uuid[i] == '-')) return false;
    if (dash_here) continue;
    if (hex_value(uuid[i]) < 0) return false;
    out[n++] = uuid[i];
  }
  return n == 32;
}

}  // namespace

RecentIds::RecentIds(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  ring_.reserve(capacity_);
  set_.reserve(capacity_);
}

std::optional<RecentIds::Key> RecentIds::parse(std::string_view uuid) {
  char d[32];
  if (!digits_of(uuid, d)) return std::nullopt;
  Key k;
  for (int i = 0; i < 16; ++i) k.hi = (k.hi << 4) | static_cast<uint64_t>(hex_value(d[i]));
  for (int i = 16; i < 32; ++i) k.lo = (k.lo << 4) | static_cast<uint64_t>(hex_value(d[i]));
  return k;
}

void RecentIds::add(std::string_view uuid) {
  auto key = parse(uuid);
  if (!key) return;
  std::lock_guard lock(mutex_);
  if (!set_.insert(*key).second) return;
  if (ring_.size() < capacity_) {
    ring_.push_back(*key);
    return;
  }
  set_.erase(ring_[next_]);
  ring_[next_] = *key;
  next_ = (next_ + 1) % capacity_;
}

bool RecentIds::contains(std::string_view uuid) const {
  auto key = parse(uuid);
  if (!key) return false;
  std::lock_guard lock(mutex_);
  return set_.contains(*key);
}

size_t RecentIds::size() const {
  std::lock_guard lock(mutex_);
  return set_.size();
}

std::optional<int64_t> uuid_v7_unix_ms(std::string_view uuid) {
  char d[32];
  if (!digits_of(uuid, d)) return std::nullopt;
  int64_t ms = 0;
  for (int i = 0; i < 12; ++i) ms = (ms << 4) | hex_value(d[i]);
  return ms;
}

}  // namespace sb::observability
