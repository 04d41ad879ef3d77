#pragma once

// Prometheus metrics without a lock on the request path (DESIGN §2: per-worker shards, summed
// at scrape). A Registry declares the families once, at startup. Each worker owns one Shard and
// is its only writer: it updates plain atomics with relaxed stores; a scrape reads them with
// relaxed loads and sums the shards. A shard takes its own (uncontended) mutex only the first
// time it sees a label set. Gauges that belong to someone else (open connections, queue depth,
// breaker state) are callbacks the scrape calls.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sb::metrics {

enum class Kind { kCounter, kGauge, kHistogram };

using Labels = std::vector<std::pair<std::string, std::string>>;  // name, value
using LabelValues = std::vector<std::string>;                     // in the family's label order

// One value of a callback family.
struct Sample {
  Labels labels;
  double value = 0;
};
// Called at scrape, on the scraping worker's thread: must be cheap, thread-safe and non-blocking
// (read atomics or a snapshot).
using SampleFn = std::function<std::vector<Sample>()>;

// A family declared on a Registry; cheap to copy, valid for the registry's lifetime.
struct FamilyId {
  size_t index = static_cast<size_t>(-1);
};

class Shard;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families written through shards. Names and label names must be valid Prometheus names
  // (checked: std::invalid_argument, a startup error). `bounds` are histogram upper bounds,
  // strictly increasing; +Inf is implicit.
  FamilyId counter(std::string name, std::string help, std::vector<std::string> label_names);
  FamilyId histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds);

  // Families whose values are read at scrape. Several callbacks may share one name (their
  // samples are concatenated under one HELP/TYPE). Kind is kGauge or kCounter.
  void add_callback(std::string name, std::string help, Kind kind, SampleFn fn);
  void add_gauge_callback(std::string name, std::string help, SampleFn fn) {
    add_callback(std::move(name), std::move(help), Kind::kGauge, std::move(fn));
  }

  // A new shard for one writer thread. The registry keeps it, so its counts outlive the worker.
  std::shared_ptr<Shard> make_shard();

  // The Prometheus text exposition format 0.0.4 of every family, in declaration order.
  std::string expose() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  friend class Shard;
  struct Family {
    std::string name;
    std::string help;
    Kind kind = Kind::kCounter;
    std::vector<std::string> label_names;
    std::vector<double> bounds;  // histograms
  };
  struct Callback {
    std::string name;
    std::string help;
    Kind kind = Kind::kGauge;
    std::vector<SampleFn> fns;
  };

  FamilyId declare(Family family);
  void check_new_name(const std::string& name) const;  // caller holds mu_

  mutable std::mutex mu_;
  std::deque<Family> families_;  // append-only; shards read bounds without the lock
  std::vector<Callback> callbacks_;
  std::vector<std::shared_ptr<Shard>> shards_;
};

// One writer thread's counters and histograms. add() and observe() must be called from one
// thread at a time (the owning worker); expose() may run concurrently on any thread.
class Shard {
 public:
  explicit Shard(const Registry& registry) : registry_(registry) {}
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  struct Series;

  // Counter += n. `values` in the family's label order (size checked in debug builds).
  void add(FamilyId family, const LabelValues& values, uint64_t n = 1);
  // Histogram observation; NaN is ignored.
  void observe(FamilyId family, const LabelValues& values, double value);

  // The series of `family` with `values`, created on first use. The reference stays valid for
  // the shard's lifetime: a writer may keep it and update it without the label lookup.
  Series& series(FamilyId family, const LabelValues& values);
  static void add(Series& series, uint64_t n = 1);
  static void observe(Series& series, double value);

  struct Series {
    size_t family = 0;
    LabelValues values;
    std::atomic<uint64_t> count{0};  // counter value, or histogram observations (unused)
    std::atomic<double> sum{0};      // histograms
    const std::vector<double>* bounds = nullptr;       // histograms: the family's, immutable
    std::unique_ptr<std::atomic<uint64_t>[]> buckets;  // histograms: bounds.size() + 1 (+Inf)
  };

 private:
  friend class Registry;

  const Registry& registry_;
  // Writer-private index: family → joined label values → series. Never read by a scrape.
  std::vector<std::unordered_map<std::string, Series*>> index_;
  std::string key_;  // scratch
  // Series storage: appended by the writer under mu_, read by a scrape under mu_.
  mutable std::mutex mu_;
  std::deque<Series> series_;
};

}  // namespace sb::metrics
