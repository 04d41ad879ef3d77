#include "observability/schema.h"

#include <algorithm>

namespace sb::observability {

namespace {

using T = ColumnType;

constexpr Column kRequests[] = {
    {"id", T::kUuid},
    {"timestamp", T::kDateTime},
    {"episode_id", T::kUuid},
    {"endpoint", T::kString},
    {"stream", T::kBool},
    {"model_requested", T::kString},
    {"model", T::kString},
    {"provider", T::kString},
    {"provider_type", T::kString},
    {"upstream_model", T::kString},
    {"status", T::kString},
    {"error_type", T::kString},
    {"error", T::kString},
    {"http_status", T::kUInt16},
    {"input", T::kString},
    {"output", T::kString},
    {"reasoning", T::kString},
    {"tool_calls", T::kString},
    {"finish_reason", T::kString},
    {"prompt_tokens", T::kNullableUInt32},
    {"completion_tokens", T::kNullableUInt32},
    {"reasoning_tokens", T::kNullableUInt32},
    {"cached_tokens", T::kNullableUInt32},
    {"latency_ms", T::kFloat64},
    {"ttft_ms", T::kNullableFloat64},
    {"upstream_ms", T::kFloat64},
    {"overhead_ms", T::kFloat64},
    {"attempts", T::kUInt16},
    {"tags", T::kString},
    {"tag_keys", T::kStringArray},
    {"tag_values", T::kStringArray},
    {"cache_write_tokens", T::kNullableUInt32, 2},
};

constexpr Column kInferenceParams[] = {
    {"request_id", T::kUuid},       {"timestamp", T::kDateTime},
    {"model", T::kString},          {"temperature", T::kNullableFloat64},
    {"top_p", T::kNullableFloat64}, {"max_tokens", T::kNullableUInt32},
    {"params", T::kString},         {"tools", T::kString},
    {"tool_choice", T::kString},    {"response_format", T::kString},
};

constexpr Column kModelInferences[] = {
    {"id", T::kUuid},
    {"request_id", T::kUuid},
    {"timestamp", T::kDateTime},
    {"attempt", T::kUInt16},
    {"model", T::kString},
    {"provider", T::kString},
    {"provider_type", T::kString},
    {"upstream_model", T::kString},
    {"status", T::kString},
    {"error_type", T::kString},
    {"error", T::kString},
    {"http_status", T::kUInt16},
    {"latency_ms", T::kFloat64},
    {"ttft_ms", T::kNullableFloat64},
    {"prompt_tokens", T::kNullableUInt32},
    {"completion_tokens", T::kNullableUInt32},
    {"reasoning_tokens", T::kNullableUInt32},
    {"cached_tokens", T::kNullableUInt32},
    {"raw_request", T::kString},
    {"raw_response", T::kString},
    {"cache_write_tokens", T::kNullableUInt32, 2},
};

constexpr Column kFeedback[] = {
    {"id", T::kUuid},
    {"timestamp", T::kDateTime},
    {"target_id", T::kUuid},
    {"target_type", T::kString},
    {"metric_name", T::kString},
    {"metric_type", T::kString},
    {"value", T::kString},
    {"value_float", T::kNullableFloat64},
    {"tags", T::kString},
    {"tag_keys", T::kStringArray},
    {"tag_values", T::kStringArray},
};

// Sorting keys answer the UI's questions: a time range first (day), then model / provider /
// metric, then the episode or inference; the id last makes the key unique, so a
// ReplacingMergeTree merge folds a replayed duplicate into one row.
constexpr TableSchema kSchemas[] = {
    {Table::kRequests, "requests", kRequests, "id", "timestamp",
     "(toDate(timestamp), model, episode_id, id)"},
    {Table::kInferenceParams, "inference_params", kInferenceParams, "request_id", "timestamp",
     "(toDate(timestamp), request_id)"},
    {Table::kModelInferences, "model_inferences", kModelInferences, "id", "timestamp",
     "(toDate(timestamp), provider, request_id, id)"},
    {Table::kFeedback, "feedback", kFeedback, "id", "timestamp",
     "(toDate(timestamp), metric_name, target_id, id)"},
};

constexpr std::string_view kMigrationNames[] = {
    "",
    "create requests, inference_params, model_inferences, feedback",
    "add cache_write_tokens to requests and model_inferences",
};

}  // namespace

std::span<const TableSchema> schemas() {
  return kSchemas;
}

const TableSchema& schema_of(Table table) {
  return kSchemas[static_cast<int>(table)];
}

std::optional<Table> table_from_name(std::string_view name) {
  for (const auto& s : kSchemas) {
    if (s.name == name) return s.table;
  }
  return std::nullopt;
}

int latest_migration() {
  int latest = 1;
  for (const auto& s : kSchemas) {
    for (const auto& c : s.columns) latest = std::max(latest, c.since);
  }
  return latest;
}

std::string_view migration_name(int version) {
  if (version <= 0 || version >= static_cast<int>(std::size(kMigrationNames))) return "";
  return kMigrationNames[version];
}

}  // namespace sb::observability
