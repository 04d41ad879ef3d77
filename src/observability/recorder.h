#pragma once

// The recorder: the RecordSink that keeps every inference, off the request path.
//
//   worker threads ── record() / submit() ──▶ bounded queue (queue_capacity items)
//                                                 │                    │ above half full
//                                       writer thread              spill thread
//                     every flush_interval_ms or max_rows items    (local disk only)
//                                                 ▼                    ▼
//                                     store.write(batch) ──fail──▶ spool journal (fsync'd)
//                                                 ▲                    │
//                                                 └──── replay, oldest first, dedup ◀┘
//
// record() takes one short lock and never waits for I/O. The writer owns the store; when a
// write fails the batch goes to the spool and the store is probed with backoff; once it answers
// the spool is replayed between fresh batches. The spill thread keeps memory bounded while the
// writer is stuck on a slow store: it moves the oldest queued items to the spool. Rows are
// dropped (counted in stats(), logged) only when the spool is full, or when the queue is full
// because the disk cannot keep up. A lookup thread pings the store for /health and answers
// POST /feedback's "is this id stored?" questions.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "observability/recent_ids.h"
#include "observability/record.h"
#include "observability/rows.h"
#include "observability/spool.h"
#include "observability/store.h"

namespace sb::observability {

struct RecorderOptions {
  std::chrono::milliseconds flush_interval{100};
  uint32_t max_rows = 1000;         // items per batch, and the size that triggers a flush
  uint32_t queue_capacity = 10000;  // items in memory
  uint32_t retention_months = 0;    // 0: keep everything
  bool migrated = false;            // the store's schema is current already
  std::chrono::milliseconds health_interval{2000};
  std::chrono::milliseconds retry_max{2000};  // longest wait between reconnection attempts
  size_t recent_ids = 100000;                 // per kind (inference, episode); ~6 MB each
};

using LookupResult = std::expected<bool, std::string>;

class Recorder final : public RecordSink {
 public:
  static std::shared_ptr<Recorder> start(std::unique_ptr<Store> store, std::unique_ptr<Spool> spool,
                                         RecorderOptions options);
  ~Recorder() override;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Worker threads: enqueue only.
  void record(const std::shared_ptr<const InferenceRecord>& record) override;
  void submit(Row row);  // a feedback row
  bool recently_seen(TargetKind kind, std::string_view id) const;
  // Asks the store on the lookup thread; `done` runs there (post it back to your executor).
  void lookup(TargetKind kind, std::string id, std::function<void(LookupResult)> done);

  // For GET /health, from cached state: nullopt when fine.
  std::optional<std::string> problem() const;
  std::string_view backend() const { return store_->name(); }

  // Writes (or spools) everything queued, then stops the threads. Idempotent.
  void stop();

 private:
  using Item = std::variant<std::shared_ptr<const InferenceRecord>, Row>;
  using Clock = std::chrono::steady_clock;
  struct Job {
    TargetKind kind;
    std::string id;
    std::function<void(LookupResult)> done;
  };

  Recorder(std::unique_ptr<Store> store, std::unique_ptr<Spool> spool, RecorderOptions options);
  void enqueue(Item item, size_t rows);
  std::vector<Item> take_locked(size_t max);
  static std::vector<Row> rows_of(std::vector<Item>& items);

  void writer_main();
  void spill_main();
  void lookup_main();

  void write_fresh(std::vector<Row> rows);
  void spool_rows(const std::vector<Row>& rows, std::string_view why);
  void store_failed(const std::string& error);
  void reconnect();
  void replay_slice();
  void apply_retention();
  std::string store_label() const;

  std::unique_ptr<Store> store_;
  std::unique_ptr<Spool> spool_;
  RecorderOptions options_;
  RecentIds inferences_;
  RecentIds episodes_;

  std::mutex mutex_;  // queue_ and stopping_
  std::condition_variable writer_cv_;
  std::condition_variable spill_cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool stopped_ = false;

  // Writer thread only.
  bool migrated_ = false;
  bool ready_ = false;  // writes go to the store (else to the spool)
  bool ever_connected_ = false;
  std::chrono::milliseconds backoff_{100};
  Clock::time_point next_retry_{};
  Clock::time_point next_retention_{};
  Clock::time_point last_connect_log_{};
  uint64_t poison_seq_ = 0, poison_offset_ = 0;
  int poison_failures_ = 0;
  bool replaying_ = false;

  // Shared with problem().
  std::atomic<bool> ping_ok_{false};
  std::atomic<bool> write_ok_{false};
  mutable std::mutex error_mutex_;
  std::string last_error_;

  std::mutex lookup_mutex_;
  std::condition_variable lookup_cv_;
  std::deque<Job> jobs_;
  bool lookup_stopping_ = false;

  std::atomic<int64_t> last_drop_log_ms_{0};
  std::thread writer_;
  std::thread spiller_;
  std::thread lookup_;
};

}  // namespace sb::observability
