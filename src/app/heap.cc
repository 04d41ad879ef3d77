#include "app/heap.h"

#include <mimalloc.h>

namespace sb::heap {

void release_thread_memory() {
  mi_collect(true);
}

}  // namespace sb::heap
