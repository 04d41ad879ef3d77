#pragma once

// Gives freed heap memory back to the OS once load has dropped. Allocators keep what a burst of
// connections freed for reuse (glibc in its per-thread arenas, mimalloc in per-thread pages), so
// after 5,000 streams end the process would keep their ~100-200 MB. Called from the main thread
// about once a second; the gateway passes its allocator's release (app/heap.h), and the default
// is glibc's malloc_trim(0).

#include <cstddef>
#include <functional>

namespace sb {

struct MemoryTrimOptions {
  // Trim once the open connections fell by at least this many from their peak since the last
  // trim, and to at most half of it: small wobbles never trim.
  std::size_t min_drop = 256;
};

class MemoryTrimmer {
 public:
  // `trim` defaults to malloc_trim(0) (a no-op where glibc is absent).
  explicit MemoryTrimmer(MemoryTrimOptions options = {}, std::function<void()> trim = {});

  // Feeds the current number of open connections; returns true when it trimmed.
  bool tick(std::size_t connections);

 private:
  MemoryTrimOptions options_;
  std::function<void()> trim_;
  std::size_t peak_ = 0;  // most connections seen since the last trim
};

}  // namespace sb
