#include "observability/recorder.h"

#include <ctime>

#include <spdlog/spdlog.h>

#include "observability/stats.h"

namespace sb::observability {

namespace {

constexpr auto kReplaySlice = std::chrono::milliseconds(250);
constexpr auto kConnectLogEvery = std::chrono::seconds(30);
constexpr int kPoisonAttempts = 5;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

size_t rows_in(const InferenceRecord& r) {
  return 2 + r.attempts.size();
}

// The first month kept when `months` are retained: partitions before it go.
int retention_cutoff(uint32_t months) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  int64_t index = (tm.tm_year + 1900) * 12 + tm.tm_mon - static_cast<int64_t>(months);
  return static_cast<int>((index / 12) * 100 + index % 12 + 1);
}

}  // namespace

Recorder::Recorder(std::unique_ptr<Store> store, std::unique_ptr<Spool> spool,
                   RecorderOptions options)
    : store_(std::move(store)),
      spool_(std::move(spool)),
      options_(options),
      inferences_(options.recent_ids),
      episodes_(options.recent_ids) {
  options_.max_rows = std::max<uint32_t>(1, options_.max_rows);
  options_.queue_capacity = std::max<uint32_t>(1, options_.queue_capacity);
  migrated_ = options_.migrated;
}

std::shared_ptr<Recorder> Recorder::start(std::unique_ptr<Store> store,
                                          std::unique_ptr<Spool> spool, RecorderOptions options) {
  std::shared_ptr<Recorder> r(new Recorder(std::move(store), std::move(spool), options));
  if (!r->spool_->empty()) {
    spdlog::warn(
        "observability spool {} holds {} bytes not yet in the store; replaying them once "
        "{} answers",
        r->spool_->dir(), r->spool_->bytes(), r->store_label());
  }
  r->writer_ = std::thread([raw = r.get()] { raw->writer_main(); });
  r->spiller_ = std::thread([raw = r.get()] { raw->spill_main(); });
  r->lookup_ = std::thread([raw = r.get()] { raw->lookup_main(); });
  return r;
}

Recorder::~Recorder() {
  stop();
}

std::string Recorder::store_label() const {
  return store_->name() == "clickhouse" ? "ClickHouse" : "SQLite";
}

// ---- worker threads -------------------------------------------------------------------------

void Recorder::record(const std::shared_ptr<const InferenceRecord>& record) {
  if (record->dryrun) return;
  inferences_.add(record->id);
  episodes_.add(record->episode_id);
  enqueue(record, rows_in(*record));
}

void Recorder::submit(Row row) {
  enqueue(std::move(row), 1);
}

void Recorder::enqueue(Item item, size_t rows) {
  size_t depth = 0;
  {
    std::lock_guard lock(mutex_);
    depth = queue_.size();
    if (depth < options_.queue_capacity) {
      queue_.push_back(std::move(item));
      stats().queue_depth.store(static_cast<int64_t>(depth + 1));
    }
  }
  if (depth >= options_.queue_capacity) {
    // Only when the spill thread cannot keep up with the request rate (or the spool is full).
    uint64_t total = stats().rows_dropped.fetch_add(rows) + rows;
    int64_t now = now_ms(), last = last_drop_log_ms_.load();
    if (now - last >= 10000 && last_drop_log_ms_.compare_exchange_strong(last, now)) {
      spdlog::error("observability queue full ({} items): rows dropped, {} in total",
                    options_.queue_capacity, total);
    }
    return;
  }
  if (depth + 1 >= options_.max_rows) writer_cv_.notify_one();
  if (depth + 1 > options_.queue_capacity / 2) spill_cv_.notify_one();
}

bool Recorder::recently_seen(TargetKind kind, std::string_view id) const {
  return kind == TargetKind::kInference ? inferences_.contains(id) : episodes_.contains(id);
}

void Recorder::lookup(TargetKind kind, std::string id, std::function<void(LookupResult)> done) {
  {
    std::lock_guard lock(lookup_mutex_);
    if (!lookup_stopping_) {
      jobs_.push_back({kind, std::move(id), std::move(done)});
      lookup_cv_.notify_one();
      return;
    }
  }
  done(std::unexpected("the gateway is shutting down"));
}

std::optional<std::string> Recorder::problem() const {
  if (store_->name() == "clickhouse") {
    if (!ping_ok_.load() || !write_ok_.load()) return "ClickHouse connection failed";
    return std::nullopt;
  }
  if (write_ok_.load()) return std::nullopt;
  std::lock_guard lock(error_mutex_);
  return "SQLite store unavailable" + (last_error_.empty() ? "" : ": " + last_error_);
}

// ---- queue ----------------------------------------------------------------------------------

std::vector<Recorder::Item> Recorder::take_locked(size_t max) {
  std::vector<Item> items;
  size_t n = std::min(max, queue_.size());
  items.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    items.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  stats().queue_depth.store(static_cast<int64_t>(queue_.size()));
  return items;
}

std::vector<Row> Recorder::rows_of(std::vector<Item>& items) {
  std::vector<Row> rows;
  rows.reserve(items.size() * 3);
  for (auto& item : items) {
    if (auto* record = std::get_if<std::shared_ptr<const InferenceRecord>>(&item)) {
      append_rows(**record, rows);
    } else {
      rows.push_back(std::move(std::get<Row>(item)));
    }
  }
  return rows;
}

// ---- writer thread --------------------------------------------------------------------------

void Recorder::writer_main() {
  reconnect();
  for (;;) {
    std::vector<Item> items;
    bool stopping = false;
    bool replay_due = ready_ && !spool_->empty();
    {
      std::unique_lock lock(mutex_);
      if (!replay_due) {
        writer_cv_.wait_for(lock, options_.flush_interval,
                            [this] { return stopping_ || queue_.size() >= options_.max_rows; });
      }
      items = take_locked(options_.max_rows);
      stopping = stopping_;
      if (stopping && items.empty()) break;
    }
    if (!items.empty()) write_fresh(rows_of(items));
    if (stopping) continue;  // drain the queue, nothing else
    if (!ready_ && Clock::now() >= next_retry_) reconnect();
    if (ready_) replay_slice();
    if (ready_ && options_.retention_months > 0 && Clock::now() >= next_retention_) {
      apply_retention();
    }
  }
}

void Recorder::write_fresh(std::vector<Row> rows) {
  if (rows.empty()) return;
  if (ready_) {
    auto ok = store_->write(rows, false);
    if (ok) {
      stats().rows_written.fetch_add(rows.size());
      return;
    }
    store_failed(ok.error());
  }
  spool_rows(rows, "store unavailable");
}

void Recorder::spool_rows(const std::vector<Row>& rows, std::string_view why) {
  if (rows.empty()) return;
  std::string error;
  auto result = spool_->append(rows, &error);
  if (result == Spool::AppendResult::kOk) {
    stats().rows_spooled.fetch_add(rows.size());
    return;
  }
  uint64_t total = stats().rows_dropped.fetch_add(rows.size()) + rows.size();
  int64_t now = now_ms(), last = last_drop_log_ms_.load();
  if (now - last >= 10000 && last_drop_log_ms_.compare_exchange_strong(last, now)) {
    spdlog::error(
        "observability rows dropped: {} ({}; {}); {} dropped in total", rows.size(), why,
        result == Spool::AppendResult::kFull
            ? "spool full: " + std::to_string(spool_->bytes()) + " bytes in " + spool_->dir()
            : "spool write failed: " + error,
        total);
  }
}

void Recorder::store_failed(const std::string& error) {
  stats().write_failures.fetch_add(1);
  stats().store_up.store(false);
  write_ok_.store(false);
  {
    std::lock_guard lock(error_mutex_);
    last_error_ = error;
  }
  if (ready_) {
    spdlog::error("{} write failed: {}; batches go to the spool {} until it answers", store_label(),
                  error, spool_->dir());
  }
  ready_ = false;
  next_retry_ = Clock::now() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.retry_max);
}

void Recorder::reconnect() {
  auto ok = migrated_ ? store_->ping() : store_->migrate();
  if (!ok) {
    {
      std::lock_guard lock(error_mutex_);
      last_error_ = ok.error();
    }
    auto now = Clock::now();
    if (!ever_connected_ && now - last_connect_log_ >= kConnectLogEvery) {
      spdlog::error("failed to connect to {} at {}: {}; rows go to the spool {} meanwhile",
                    store_label(), store_->describe(), ok.error(), spool_->dir());
      last_connect_log_ = now;
    }
    next_retry_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.retry_max);
    return;
  }
  migrated_ = true;
  ready_ = true;
  write_ok_.store(true);
  stats().store_up.store(true);
  backoff_ = std::chrono::milliseconds(100);
  if (ever_connected_) {
    spdlog::info("{} is answering again", store_label());
  } else if (store_->name() == "clickhouse") {
    spdlog::info("successfully connected to ClickHouse at {} (schema version {})",
                 store_->describe(), latest_migration());
  }
  ever_connected_ = true;
}

// Replays spooled batches for a bounded time, yielding to fresh rows when a batch is waiting.
void Recorder::replay_slice() {
  auto deadline = Clock::now() + kReplaySlice;
  while (ready_ && Clock::now() < deadline) {
    auto entry = spool_->front();
    if (!entry) {
      if (replaying_) spdlog::info("observability spool replayed: {} is up to date", store_label());
      replaying_ = false;
      return;
    }
    if (!replaying_) {
      spdlog::info("replaying the observability spool ({} bytes) into {}", spool_->bytes(),
                   store_label());
      replaying_ = true;
    }
    auto ok = store_->write(entry->rows, true);
    if (!ok) {
      // A batch the store keeps refusing while it answers pings is set aside, not retried forever.
      bool same = entry->seq == poison_seq_ && entry->end_offset == poison_offset_;
      poison_failures_ = same ? poison_failures_ + 1 : 1;
      poison_seq_ = entry->seq;
      poison_offset_ = entry->end_offset;
      if (poison_failures_ >= kPoisonAttempts && store_->ping()) {
        spool_->reject(*entry, ok.error());
        stats().rows_dropped.fetch_add(entry->rows.size());
        spdlog::error("{} refused a spooled batch {} times ({}); its {} rows were moved to {}",
                      store_label(), poison_failures_, ok.error(), entry->rows.size(),
                      spool_->rejected_path());
        continue;
      }
      store_failed(ok.error());
      return;
    }
    spool_->pop(*entry);
    stats().rows_written.fetch_add(entry->rows.size());
    stats().rows_replayed.fetch_add(entry->rows.size());
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_rows) return;
  }
}

void Recorder::apply_retention() {
  int cutoff = retention_cutoff(options_.retention_months);
  auto done = store_->drop_before(cutoff);
  if (done) {
    spdlog::info("observability retention ({} months): {}", options_.retention_months, *done);
    next_retention_ = Clock::now() + std::chrono::hours(1);
  } else {
    spdlog::warn("observability retention failed: {}", done.error());
    next_retention_ = Clock::now() + std::chrono::minutes(5);
  }
}

// ---- spill thread ---------------------------------------------------------------------------

void Recorder::spill_main() {
  const size_t threshold = options_.queue_capacity / 2;
  for (;;) {
    std::vector<Item> items;
    {
      std::unique_lock lock(mutex_);
      spill_cv_.wait(lock, [&] { return stopping_ || queue_.size() > threshold; });
      if (stopping_) return;  // the writer drains what is left
      items = take_locked(options_.max_rows);
    }
    spool_rows(rows_of(items), "queue full");
  }
}

// ---- lookup thread --------------------------------------------------------------------------

void Recorder::lookup_main() {
  auto next_ping = Clock::now();
  for (;;) {
    std::deque<Job> jobs;
    bool stopping = false;
    {
      std::unique_lock lock(lookup_mutex_);
      lookup_cv_.wait_until(lock, next_ping, [this] { return lookup_stopping_ || !jobs_.empty(); });
      jobs.swap(jobs_);
      stopping = lookup_stopping_;
    }
    if (!stopping && Clock::now() >= next_ping) {
      auto ok = store_->ping();
      bool was = ping_ok_.exchange(ok.has_value());
      if (was && !ok) spdlog::error("{} health check failed: {}", store_label(), ok.error());
      next_ping = Clock::now() + options_.health_interval;
    }
    for (auto& job : jobs) {
      if (stopping) {
        job.done(std::unexpected("the gateway is shutting down"));
      } else if (!ping_ok_.load()) {
        // Fail fast rather than queue every lookup behind a connect timeout.
        job.done(std::unexpected(store_label() + " is unreachable"));
      } else {
        job.done(store_->contains(job.kind, job.id));
      }
    }
    if (stopping) return;
  }
}

// ---- shutdown -------------------------------------------------------------------------------

void Recorder::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  writer_cv_.notify_all();
  spill_cv_.notify_all();
  if (spiller_.joinable()) spiller_.join();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(lookup_mutex_);
    lookup_stopping_ = true;
  }
  lookup_cv_.notify_all();
  if (lookup_.joinable()) lookup_.join();
  const auto& s = stats();
  spdlog::info(
      "observability stopped: rows_written={} rows_spooled={} rows_replayed={} "
      "rows_dropped={} spool_bytes={}",
      s.rows_written.load(), s.rows_spooled.load(), s.rows_replayed.load(), s.rows_dropped.load(),
      spool_->bytes());
}

}  // namespace sb::observability
