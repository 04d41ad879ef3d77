#include "metrics/gateway_metrics.h"

#include <algorithm>
#include <tuple>

#include "config/schema.h"

namespace sb::metrics {

namespace {

// Request latency: LLM calls take from tens of milliseconds to minutes (30 s is the spec's
// HighLatency threshold).
const std::vector<double> kLatencyBounds = {0.05, 0.1, 0.25, 0.5, 1,  2.5, 5,
                                            10,   15,  20,   30,  60, 120, 300};
// Time to first token: interactive range.
const std::vector<double> kTtftBounds = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30};
// Gateway overhead: what the gateway itself adds, from tens of microseconds up.
const std::vector<double> kOverheadBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   1};

// A value we produce ourselves (status, error code, provider type): [a-z0-9_], at most 48
// characters. Anything else becomes "other", so no label can carry arbitrary text.
std::string bounded(const std::string& value, const char* empty) {
  if (value.empty()) return empty;
  if (value.size() > 48) return "other";
  bool ok = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  return ok ? value : "other";
}

double seconds(int64_t us) {
  return static_cast<double>(std::max<int64_t>(us, 0)) / 1e6;
}

uint64_t tokens(int64_t n) {
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}

std::string status_label(const std::string& status) {
  if (status == "ok" || status == "error" || status == "cancelled") return status;
  return status.empty() ? "error" : "other";
}

class WorkerSink final : public observability::RecordSink {
 public:
  WorkerSink(std::shared_ptr<const GatewayMetrics> metrics, std::shared_ptr<Shard> shard)
      : metrics_(std::move(metrics)), shard_(std::move(shard)) {}
  void record(const std::shared_ptr<const observability::InferenceRecord>& record) override {
    metrics_->record(*shard_, cache_, *record);
  }
  bool wants_content() const override { return false; }  // labels, timings and usage only

 private:
  std::shared_ptr<const GatewayMetrics> metrics_;
  std::shared_ptr<Shard> shard_;
  SeriesCache cache_;
};

// The slot's series, resolved with make() the first time.
template <class MakeValues>
Shard::Series& resolve(Shard& shard, Shard::Series*& slot, FamilyId family, MakeValues make) {
  if (slot == nullptr) slot = &shard.series(family, make());
  return *slot;
}

size_t status_index(const std::string& status) {
  if (status == "ok") return 0;
  if (status == "error" || status.empty()) return 1;
  if (status == "cancelled") return 2;
  return 3;
}

SampleFn single(std::function<double()> fn) {
  return [fn = std::move(fn)] { return std::vector<Sample>{Sample{.labels = {}, .value = fn()}}; };
}

}  // namespace

LabelPolicy::LabelPolicy(const config::Config& config) {
  for (const auto* table : {&config.models, &config.embedding_models}) {
    for (const auto& [name, model] : *table) {
      std::set<std::string> providers;
      for (const auto& p : model.providers) providers.insert(p.name);
      add_model(name, std::move(providers));
    }
  }
}

void LabelPolicy::add_model(const std::string& model, std::set<std::string> providers) {
  providers_by_model_[model].merge(providers);
}

bool LabelPolicy::configured(const std::string& model, const std::string& provider) const {
  auto it = providers_by_model_.find(model);
  return it != providers_by_model_.end() && it->second.contains(provider);
}

std::pair<std::string, std::string> LabelPolicy::labels(const std::string& model,
                                                        const std::string& provider) const {
  if (model.empty()) return {"none", "none"};
  auto it = providers_by_model_.find(model);
  if (it == providers_by_model_.end()) {
    // A shorthand (TYPE::MODEL) model: its provider is the type, one of a fixed list.
    return {"adhoc", bounded(provider, "none")};
  }
  if (provider.empty()) return {model, "none"};
  return {model, it->second.contains(provider) ? provider : "other"};
}

GatewayMetrics::GatewayMetrics(std::shared_ptr<Registry> registry, LabelPolicy policy)
    : registry_(std::move(registry)), policy_(std::move(policy)) {
  auto& r = *registry_;
  // Spec §4.2 names, exactly as the manual's queries use them (no _total suffix).
  f_.request_duration =
      r.histogram("tensorzero_request_duration_seconds",
                  "Client request latency in seconds, request received to last byte sent",
                  {"model", "provider"}, kLatencyBounds);
  // request_count and error_count share their labels so the manual's
  // rate(tensorzero_error_count[5m]) / rate(tensorzero_request_count[5m]) matches series.
  f_.request_count =
      r.counter("tensorzero_request_count", "Inference requests by answering model and provider",
                {"model", "provider"});
  f_.token_usage = r.counter("tensorzero_token_usage",
                             "Tokens by model and kind (prompt, completion, reasoning, cached), "
                             "as the providers reported them",
                             {"model", "kind"});
  f_.error_count = r.counter("tensorzero_error_count",
                             "Failed inference requests by model and provider (see "
                             "switchboard_errors_total for the error type)",
                             {"model", "provider"});
  // Ours.
  f_.requests_by_status = r.counter("switchboard_requests_total",
                                    "Inference requests by model, provider and status (ok, error, "
                                    "cancelled)",
                                    {"model", "provider", "status"});
  f_.errors_by_type =
      r.counter("switchboard_errors_total", "Failed inference requests by error type", {"type"});
  f_.overhead = r.histogram("switchboard_gateway_overhead_seconds",
                            "Request latency minus the time spent in upstream attempts",
                            {"model", "provider"}, kOverheadBounds);
  f_.ttft = r.histogram("switchboard_time_to_first_token_seconds",
                        "Streaming requests: request received to first content byte sent",
                        {"model", "provider"}, kTtftBounds);
  f_.attempts = r.counter("switchboard_upstream_attempts_total",
                          "Upstream attempts by model, provider and outcome (ok or error code)",
                          {"model", "provider", "outcome"});
  f_.retries = r.counter("switchboard_upstream_retries_total",
                         "Upstream attempts that repeated the previous attempt's provider",
                         {"model", "provider", "outcome"});
  f_.fallbacks = r.counter("switchboard_upstream_fallbacks_total",
                           "Upstream attempts that moved on to another provider or model",
                           {"model", "provider", "outcome"});
}

std::shared_ptr<GatewayMetrics> GatewayMetrics::create(std::shared_ptr<Registry> registry,
                                                       LabelPolicy policy) {
  return std::shared_ptr<GatewayMetrics>(
      new GatewayMetrics(std::move(registry), std::move(policy)));
}

std::shared_ptr<observability::RecordSink> GatewayMetrics::make_worker_sink() {
  return std::make_shared<WorkerSink>(shared_from_this(), registry_->make_shard());
}

void GatewayMetrics::record(Shard& shard, const observability::InferenceRecord& r) const {
  SeriesCache cache;
  record(shard, cache, r);
}

SeriesSet& GatewayMetrics::series_set(SeriesCache& cache, const std::string& model,
                                      const std::string& provider, SeriesSet& scratch) const {
  cache.key.assign(model);
  cache.key += '\0';
  cache.key += provider;
  if (auto it = cache.sets.find(cache.key); it != cache.sets.end()) return it->second;
  if (!policy_.configured(model, provider)) {
    std::tie(scratch.model, scratch.provider) = policy_.labels(model, provider);
    return scratch;
  }
  SeriesSet& set = cache.sets[cache.key];
  set.model = model;
  set.provider = provider;
  return set;
}

void GatewayMetrics::record(Shard& shard, SeriesCache& cache,
                            const observability::InferenceRecord& r) const {
  SeriesSet scratch;
  SeriesSet& s = series_set(cache, r.model, r.provider, scratch);
  auto pair = [&s] { return LabelValues{s.model, s.provider}; };
  Shard::add(resolve(shard, s.request_count, f_.request_count, pair));
  Shard::add(resolve(shard, s.by_status[status_index(r.status)], f_.requests_by_status, [&] {
    return LabelValues{s.model, s.provider, status_label(r.status)};
  }));
  Shard::observe(resolve(shard, s.duration, f_.request_duration, pair), seconds(r.latency_us));
  Shard::observe(resolve(shard, s.overhead, f_.overhead, pair),
                 seconds(r.latency_us - r.upstream_us));
  if (r.stream && r.ttft_us > 0) {
    Shard::observe(resolve(shard, s.ttft, f_.ttft, pair), seconds(r.ttft_us));
  }
  if (r.status == "error") {
    Shard::add(resolve(shard, s.error_count, f_.error_count, pair));
    shard.add(f_.errors_by_type, {bounded(r.error_code, "unknown")});
  }
  if (r.usage) {
    static constexpr const char* kKinds[4] = {"prompt", "completion", "reasoning", "cached"};
    const int64_t counts[4] = {r.usage->input_tokens, r.usage->output_tokens,
                               r.usage->reasoning_tokens, r.usage->cache_read_tokens};
    for (size_t i = 0; i < 4; ++i) {
      Shard::add(resolve(shard, s.tokens[i], f_.token_usage,
                         [&] {
                           return LabelValues{s.model, kKinds[i]};
                         }),
                 tokens(counts[i]));
    }
  }
  record_attempts(shard, cache, r);
}

void GatewayMetrics::record_attempts(Shard& shard, SeriesCache& cache,
                                     const observability::InferenceRecord& r) const {
  const observability::AttemptRecord* previous = nullptr;
  for (const auto& a : r.attempts) {
    SeriesSet scratch;
    SeriesSet& s = series_set(cache, a.model, a.provider, scratch);
    bool repeat = previous != nullptr;
    bool same = repeat && previous->model == a.model && previous->provider == a.provider;
    previous = &a;
    if (a.error_code.empty()) {
      auto values = [&s] { return LabelValues{s.model, s.provider, "ok"}; };
      Shard::add(resolve(shard, s.attempts_ok, f_.attempts, values));
      if (repeat) {
        Shard::add(same ? resolve(shard, s.retries_ok, f_.retries, values)
                        : resolve(shard, s.fallbacks_ok, f_.fallbacks, values));
      }
      continue;
    }
    LabelValues values{s.model, s.provider, bounded(a.error_code, "unknown")};
    shard.add(f_.attempts, values);
    if (repeat) shard.add(same ? f_.retries : f_.fallbacks, values);
  }
}

void register_server_gauges(Registry& registry, ServerGauges gauges) {
  if (gauges.open_connections) {
    registry.add_gauge_callback(std::string(kOpenConnectionsMetric), "Open client connections",
                                single(std::move(gauges.open_connections)));
  }
  if (gauges.in_flight_requests) {
    registry.add_gauge_callback(std::string(kInFlightRequestsMetric),
                                "Client requests being handled (streams included)",
                                single(std::move(gauges.in_flight_requests)));
  }
  if (gauges.in_flight_streams) {
    registry.add_gauge_callback(std::string(kInFlightStreamsMetric),
                                "Server-sent event streams open to clients",
                                single(std::move(gauges.in_flight_streams)));
  }
}

void register_observability_gauges(Registry& registry, ObservabilityGauges gauges) {
  if (gauges.queue_depth) {
    registry.add_gauge_callback(std::string(kQueueDepthMetric),
                                "Inference records waiting to be written to the store",
                                single(std::move(gauges.queue_depth)));
  }
  if (gauges.spool_bytes) {
    registry.add_gauge_callback(std::string(kSpoolBytesMetric),
                                "Bytes in the local spool journal awaiting replay to the store",
                                single(std::move(gauges.spool_bytes)));
  }
  if (gauges.rows_dropped) {
    registry.add_callback(std::string(kRowsDroppedMetric), "Observability rows dropped for good",
                          Kind::kCounter, single(std::move(gauges.rows_dropped)));
  }
}

void register_circuit_state(Registry& registry, LabelPolicy policy,
                            std::function<std::vector<CircuitSample>()> samples) {
  registry.add_gauge_callback(
      std::string(kCircuitStateMetric),
      "Circuit breaker state by model and provider: 0 closed, 1 open, 2 half-open",
      [policy = std::move(policy), samples = std::move(samples)] {
        std::map<std::pair<std::string, std::string>, int> states;
        for (const auto& s : samples()) {
          auto [it, added] = states.emplace(policy.labels(s.model, s.provider), s.state);
          if (!added) it->second = std::max(it->second, s.state);
        }
        std::vector<Sample> out;
        for (const auto& [labels, state] : states) {
          out.push_back(Sample{.labels = {{"model", labels.first}, {"provider", labels.second}},
                               .value = static_cast<double>(state)});
        }
        return out;
      });
}

void register_build_info(Registry& registry, std::string version) {
  registry.add_gauge_callback(
      "switchboard_build_info", "Switchboard version (value is always 1)",
      [version = std::move(version)] {
        return std::vector<Sample>{Sample{.labels = {{"version", version}}, .value = 1}};
      });
}

}  // namespace sb::metrics
