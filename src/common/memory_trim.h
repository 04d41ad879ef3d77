#pragma once

// Gives freed heap memory back to the OS once load has dropped. glibc keeps what a burst of
// connections freed inside its per-thread arenas (only the top of a heap is returned on free), so
// after 5,000 streams end the process would keep their ~200 MB; malloc_trim(0) releases the free
// pages anywhere in every arena. Called from the main thread about once a second.

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
