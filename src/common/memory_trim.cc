#include "common/memory_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sb {

namespace {

void trim_heap() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

}  // namespace

MemoryTrimmer::MemoryTrimmer(MemoryTrimOptions options, std::function<void()> trim)
    : options_(options), trim_(trim ? std::move(trim) : std::function<void()>(trim_heap)) {}

bool MemoryTrimmer::tick(std::size_t connections) {
  if (connections > peak_) peak_ = connections;
  bool dropped = peak_ - connections >= options_.min_drop && connections <= peak_ / 2;
  if (!dropped) return false;
  trim_();
  peak_ = connections;
  return true;
}

}  // namespace sb
