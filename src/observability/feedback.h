#pragma once

// POST /feedback, the part without I/O: parse and validate a body against the configured
// [metrics.X], and turn it into a `feedback` row. TensorZero's shape:
//   {"metric_name": "...", "value": ..., "inference_id" | "episode_id": "...",
//    "tags": {"k": "v"}, "dryrun": false}
// Unknown fields are refused. `comment` (a string, on an inference or an episode) and
// `demonstration` (a string or content array, on an inference) are reserved metric names.

#include <expected>
#include <map>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/error.h"
#include "config/schema.h"
#include "observability/rows.h"
#include "observability/store.h"

namespace sb::observability {

struct FeedbackRequest {
  std::string metric_name;
  std::string metric_type;  // "boolean" | "float" | "comment" | "demonstration"
  TargetKind target_kind = TargetKind::kInference;
  std::string target_id;
  boost::json::value value;
  boost::json::object tags;
  bool dryrun = false;
};

// Errors: kInvalidJson / kInvalidRequest (400) for a malformed body, a value of the wrong type
// or the wrong target kind for the metric's level; kRouteNotFound (404) for an unknown metric.
std::expected<FeedbackRequest, Error> parse_feedback(
    std::string_view body, const std::map<std::string, config::MetricConfig>& metrics);

Row feedback_row(const FeedbackRequest& request, const std::string& feedback_id, int64_t unix_ms);

}  // namespace sb::observability
