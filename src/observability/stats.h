#pragma once

// Process-wide counters of the observability pipeline, for /metrics and the shutdown log line.
// Plain atomics: written by the recorder's threads and by record() on workers, read at scrape.

#include <atomic>
#include <cstdint>

namespace sb::observability {

struct Stats {
  std::atomic<int64_t> queue_depth{0};     // inferences and feedback waiting in memory
  std::atomic<int64_t> spool_bytes{0};     // bytes in the spool journal on disk
  std::atomic<uint64_t> rows_written{0};   // table rows the store accepted (replays included)
  std::atomic<uint64_t> rows_spooled{0};   // table rows appended to the spool
  std::atomic<uint64_t> rows_replayed{0};  // table rows moved from the spool to the store
  std::atomic<uint64_t> rows_dropped{0};   // table rows lost: spool full (or corrupt on disk)
  std::atomic<uint64_t> write_failures{
      0};                             // store writes that failed (each sent a batch to the spool)
  std::atomic<bool> store_up{false};  // the last write or probe reached the store
};

// The one instance. Counters only ever grow (gauges aside); tests read differences.
Stats& stats();

}  // namespace sb::observability
