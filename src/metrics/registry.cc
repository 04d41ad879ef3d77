#include "metrics/registry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <stdexcept>

#include "metrics/exposition.h"

namespace sb::metrics {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

// Label values joined for the writer's index ('\x1f' cannot appear in our bounded values; a
// value that has one still gets its own series because the count of values is fixed).
void join(std::string& key, const LabelValues& values) {
  key.clear();
  for (const auto& v : values) {
    key += v;
    key += '\x1f';
  }
}

std::string le_text(double bound) {
  std::string out;
  append_value(out, bound);
  return out;
}

Labels zip(const std::vector<std::string>& names, const LabelValues& values) {
  Labels labels;
  labels.reserve(names.size());
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    labels.emplace_back(names[i], values[i]);
  }
  return labels;
}

}  // namespace

void Registry::check_new_name(const std::string& name) const {
  if (!is_metric_name(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
  for (const auto& f : families_) {
    if (f.name == name) throw std::invalid_argument("metric '" + name + "' declared twice");
  }
}

FamilyId Registry::declare(Family family) {
  for (const auto& l : family.label_names) {
    if (!is_label_name(l) || l == "le") {
      throw std::invalid_argument("invalid label name '" + l + "' on metric '" + family.name + "'");
    }
  }
  std::lock_guard lock(mu_);
  check_new_name(family.name);
  for (const auto& c : callbacks_) {
    if (c.name == family.name) {
      throw std::invalid_argument("metric '" + family.name + "' declared twice");
    }
  }
  families_.push_back(std::move(family));
  return FamilyId{families_.size() - 1};
}

FamilyId Registry::counter(std::string name, std::string help,
                           std::vector<std::string> label_names) {
  return declare(Family{.name = std::move(name),
                        .help = std::move(help),
                        .kind = Kind::kCounter,
                        .label_names = std::move(label_names)});
}

FamilyId Registry::histogram(std::string name, std::string help,
                             std::vector<std::string> label_names, std::vector<double> bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw std::invalid_argument("histogram '" + name +
                                  "' needs finite, strictly increasing bucket bounds");
    }
  }
  return declare(Family{.name = std::move(name),
                        .help = std::move(help),
                        .kind = Kind::kHistogram,
                        .label_names = std::move(label_names),
                        .bounds = std::move(bounds)});
}

void Registry::add_callback(std::string name, std::string help, Kind kind, SampleFn fn) {
  if (kind == Kind::kHistogram) {
    throw std::invalid_argument("callback metric '" + name + "' must be a gauge or a counter");
  }
  std::lock_guard lock(mu_);
  check_new_name(name);
  for (auto& c : callbacks_) {
    if (c.name != name) continue;
    if (c.kind != kind) throw std::invalid_argument("metric '" + name + "' declared twice");
    c.fns.push_back(std::move(fn));
    return;
  }
  callbacks_.push_back(Callback{
      .name = std::move(name), .help = std::move(help), .kind = kind, .fns = {std::move(fn)}});
}

std::shared_ptr<Shard> Registry::make_shard() {
  auto shard = std::make_shared<Shard>(*this);
  std::lock_guard lock(mu_);
  shards_.push_back(shard);
  return shard;
}

Shard::Series& Shard::series(FamilyId family, const LabelValues& values) {
  if (family.index >= index_.size()) index_.resize(family.index + 1);
  join(key_, values);
  auto& map = index_[family.index];
  if (auto it = map.find(key_); it != map.end()) return *it->second;

  // First time this worker sees the label set: the only locks a writer ever takes.
  const std::vector<double>* bounds = nullptr;
  {
    std::lock_guard lock(registry_.mu_);
    const auto& f = registry_.families_.at(family.index);
    assert(values.size() == f.label_names.size());
    if (f.kind == Kind::kHistogram) bounds = &f.bounds;  // deque elements never move
  }
  std::lock_guard lock(mu_);
  Series& s = series_.emplace_back();
  s.family = family.index;
  s.values = values;
  if (bounds != nullptr) {
    size_t buckets = bounds->size() + 1;
    s.bounds = bounds;
    s.buckets = std::make_unique<std::atomic<uint64_t>[]>(buckets);
    for (size_t i = 0; i < buckets; ++i) s.buckets[i].store(0, kRelaxed);
  }
  map.emplace(key_, &s);
  return s;
}

void Shard::add(FamilyId family, const LabelValues& values, uint64_t n) {
  add(series(family, values), n);
}

void Shard::observe(FamilyId family, const LabelValues& values, double value) {
  if (std::isnan(value)) return;
  observe(series(family, values), value);
}

void Shard::add(Series& s, uint64_t n) {
  // Single writer: a load and a store, no read-modify-write.
  s.count.store(s.count.load(kRelaxed) + n, kRelaxed);
}

void Shard::observe(Series& s, double value) {
  if (std::isnan(value)) return;
  if (!s.buckets) return;  // not a histogram (programmer error; ignored in release builds)
  const auto& bounds = *s.bounds;
  size_t i = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  s.buckets[i].store(s.buckets[i].load(kRelaxed) + 1, kRelaxed);
  s.sum.store(s.sum.load(kRelaxed) + value, kRelaxed);
}

std::string Registry::expose() const {
  struct Aggregate {
    uint64_t count = 0;             // counters
    std::vector<uint64_t> buckets;  // histograms, not cumulative
    double sum = 0;
  };
  std::vector<const Family*> families;
  std::vector<Callback> callbacks;
  std::vector<std::shared_ptr<Shard>> shards;
  {
    std::lock_guard lock(mu_);
    for (const auto& f : families_) families.push_back(&f);
    callbacks = callbacks_;
    shards = shards_;
  }

  // Sum the shards, series ordered by label values for a stable output.
  std::vector<std::map<LabelValues, Aggregate>> totals(families.size());
  for (const auto& shard : shards) {
    std::lock_guard lock(shard->mu_);
    for (const auto& s : shard->series_) {
      if (s.family >= families.size()) continue;
      Aggregate& a = totals[s.family][s.values];
      if (!s.buckets) {
        a.count += s.count.load(kRelaxed);
        continue;
      }
      size_t n = families[s.family]->bounds.size() + 1;
      a.buckets.resize(n, 0);
      for (size_t i = 0; i < n; ++i) a.buckets[i] += s.buckets[i].load(kRelaxed);
      a.sum += s.sum.load(kRelaxed);
    }
  }

  std::string out;
  for (size_t i = 0; i < families.size(); ++i) {
    const Family& f = *families[i];
    append_header(out, f.name, f.help, f.kind);
    for (const auto& [values, a] : totals[i]) {
      Labels labels = zip(f.label_names, values);
      if (f.kind != Kind::kHistogram) {
        out += f.name;
        append_labels(out, labels);
        out += ' ';
        append_value(out, static_cast<double>(a.count));
        out += '\n';
        continue;
      }
      // Cumulative buckets; _count is the +Inf bucket, so the two always agree.
      uint64_t cumulative = 0;
      for (size_t b = 0; b < a.buckets.size(); ++b) {
        cumulative += a.buckets[b];
        out += f.name;
        out += "_bucket";
        append_labels(out, labels, b < f.bounds.size() ? le_text(f.bounds[b]) : "+Inf");
        out += ' ';
        append_value(out, static_cast<double>(cumulative));
        out += '\n';
      }
      out += f.name;
      out += "_sum";
      append_labels(out, labels);
      out += ' ';
      append_value(out, a.sum);
      out += '\n';
      out += f.name;
      out += "_count";
      append_labels(out, labels);
      out += ' ';
      append_value(out, static_cast<double>(cumulative));
      out += '\n';
    }
  }

  for (const auto& c : callbacks) {
    append_header(out, c.name, c.help, c.kind);
    for (const auto& fn : c.fns) {
      for (const auto& sample : fn()) {
        bool valid = std::all_of(sample.labels.begin(), sample.labels.end(), [](const auto& l) {
          return is_label_name(l.first) && l.first != "le";
        });
        if (!valid) continue;  // a programmer error in the callback; never a broken scrape
        out += c.name;
        append_labels(out, sample.labels);
        out += ' ';
        append_value(out, sample.value);
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace sb::metrics
