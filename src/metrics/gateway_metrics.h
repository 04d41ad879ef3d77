#pragma once

// The gateway's metrics (spec §4.2 names, plus ours) and where their values come from:
// finished inferences through a per-worker RecordSink, everything else through gauge callbacks
// that their owners register (server, observability store, circuit breakers).
//
// Labels are bounded: model and provider labels are configured names only, never a client's
// string. A shorthand model (`openai::gpt-4o`) counts as model "adhoc" with its provider type;
// a request no model answered counts as model "none", provider "none".

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/registry.h"
#include "observability/record.h"

namespace sb::config {
struct Config;
}

namespace sb::metrics {

// Metric names other parts of the gateway feed through callbacks.
inline constexpr std::string_view kCircuitStateMetric = "switchboard_circuit_state";
inline constexpr std::string_view kOpenConnectionsMetric = "switchboard_open_connections";
inline constexpr std::string_view kInFlightRequestsMetric = "switchboard_in_flight_requests";
inline constexpr std::string_view kInFlightStreamsMetric = "switchboard_in_flight_streams";
inline constexpr std::string_view kQueueDepthMetric = "switchboard_observability_queue_depth";
inline constexpr std::string_view kSpoolBytesMetric = "switchboard_observability_spool_bytes";
inline constexpr std::string_view kRowsDroppedMetric =
    "switchboard_observability_rows_dropped_total";

// Which model and provider names may become label values: the configured ones.
class LabelPolicy {
 public:
  LabelPolicy() = default;
  explicit LabelPolicy(const config::Config& config);
  // Adds a configured model and its provider names (tests, and anything built outside a Config).
  void add_model(const std::string& model, std::set<std::string> providers);

  // Whether `provider` is a configured provider of the configured `model` (labels are then the
  // names themselves).
  bool configured(const std::string& model, const std::string& provider) const;

  // {model, provider} label values for what a record or an attempt names.
  std::pair<std::string, std::string> labels(const std::string& model,
                                             const std::string& provider) const;

 private:
  std::map<std::string, std::set<std::string>, std::less<>> providers_by_model_;
};

// The series one (model, provider) label pair's requests update, resolved on first use (a slot
// stays null until then, so no series appears in the exposition before it counts something).
struct SeriesSet {
  std::string model;  // label values
  std::string provider;
  Shard::Series* request_count = nullptr;
  Shard::Series* by_status[4] = {};  // ok, error, cancelled, other
  Shard::Series* duration = nullptr;
  Shard::Series* overhead = nullptr;
  Shard::Series* ttft = nullptr;
  Shard::Series* tokens[4] = {};  // prompt, completion, reasoning, cached
  Shard::Series* error_count = nullptr;
  Shard::Series* attempts_ok = nullptr;
  Shard::Series* retries_ok = nullptr;
  Shard::Series* fallbacks_ok = nullptr;
};

// One worker's resolved series, so a request builds no label strings in the common case. Only
// configured (model, provider) pairs are kept: as bounded as the labels themselves.
struct SeriesCache {
  std::unordered_map<std::string, SeriesSet> sets;  // model '\0' provider
  std::string key;                                  // scratch
};

class GatewayMetrics : public std::enable_shared_from_this<GatewayMetrics> {
 public:
  // Declares every family on `registry` (call once per registry).
  static std::shared_ptr<GatewayMetrics> create(std::shared_ptr<Registry> registry,
                                                LabelPolicy policy);

  Registry& registry() const { return *registry_; }

  // One sink per worker, recording into its own shard; record() must be called on that worker.
  std::shared_ptr<observability::RecordSink> make_worker_sink();

  // Adds one finished inference to `shard` (what a worker sink does; public for tests).
  void record(Shard& shard, const observability::InferenceRecord& record) const;
  // The same through `cache`, which must be used with `shard` only.
  void record(Shard& shard, SeriesCache& cache, const observability::InferenceRecord& record) const;

  struct Families {
    FamilyId request_duration;    // tensorzero_request_duration_seconds {model, provider}
    FamilyId request_count;       // tensorzero_request_count {model, provider}
    FamilyId token_usage;         // tensorzero_token_usage {model, kind}
    FamilyId error_count;         // tensorzero_error_count {model, provider}
    FamilyId requests_by_status;  // switchboard_requests_total {model, provider, status}
    FamilyId errors_by_type;      // switchboard_errors_total {type}
    FamilyId overhead;            // switchboard_gateway_overhead_seconds {model, provider}
    FamilyId ttft;                // switchboard_time_to_first_token_seconds {model, provider}
    FamilyId attempts;            // switchboard_upstream_attempts_total {model, provider, outcome}
    FamilyId retries;             // switchboard_upstream_retries_total {model, provider, outcome}
    FamilyId fallbacks;           // switchboard_upstream_fallbacks_total {model, provider, outcome}
  };

 private:
  GatewayMetrics(std::shared_ptr<Registry> registry, LabelPolicy policy);

  // The cached set for a configured pair, else `scratch` filled with the pair's labels.
  SeriesSet& series_set(SeriesCache& cache, const std::string& model, const std::string& provider,
                        SeriesSet& scratch) const;
  void record_attempts(Shard& shard, SeriesCache& cache,
                       const observability::InferenceRecord& r) const;

  std::shared_ptr<Registry> registry_;
  LabelPolicy policy_;
  Families f_;
};

// Gauge callbacks, registered by whoever owns the value. Each function may be empty (skipped).
struct ServerGauges {
  std::function<double()> open_connections;
  std::function<double()> in_flight_requests;
  std::function<double()> in_flight_streams;
};
void register_server_gauges(Registry& registry, ServerGauges gauges);

// The observability store's state (its Stats counters; read with relaxed atomics).
struct ObservabilityGauges {
  std::function<double()> queue_depth;   // records waiting to be written
  std::function<double()> spool_bytes;   // bytes in the local spool journal
  std::function<double()> rows_dropped;  // rows lost for good (a counter)
};
void register_observability_gauges(Registry& registry, ObservabilityGauges gauges);

// Circuit breaker state per provider (routing::BreakerState values: 0 closed, 1 open,
// 2 half-open), labelled through `policy`; shorthand models that share labels report the
// highest state.
struct CircuitSample {
  std::string model;
  std::string provider;
  int state = 0;
};
void register_circuit_state(Registry& registry, LabelPolicy policy,
                            std::function<std::vector<CircuitSample>()> samples);

// switchboard_build_info{version} 1.
void register_build_info(Registry& registry, std::string version);

}  // namespace sb::metrics
