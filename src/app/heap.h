#pragma once

// The process allocator. Switchboard links mimalloc (a Debian package), which replaces malloc
// and operator new for the whole process: a request makes about forty short-lived allocations,
// and mimalloc's per-thread free lists serve them in a fraction of glibc's instructions
// (docs/benchmarks.md). Freed pages stay with the thread that used them until it collects, so
// once load has dropped main asks every thread to (MemoryTrimmer).

namespace sb::heap {

// Gives the calling thread's free pages back to the OS.
void release_thread_memory();

}  // namespace sb::heap
