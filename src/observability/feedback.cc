#include "observability/feedback.h"

#include <boost/json.hpp>

#include "common/ids.h"

namespace sb::observability {

namespace {

namespace json = boost::json;

Error bad(std::string message, std::string param = {}) {
  return make_error(ErrorCode::kInvalidRequest, std::move(message), std::move(param));
}

constexpr std::string_view kFields[] = {"metric_name", "value",  "inference_id", "episode_id",
                                        "tags",        "dryrun", "internal"};

std::expected<void, Error> check_fields(const json::object& body) {
  for (const auto& [key, _] : body) {
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return std::unexpected(bad("unknown field '" + std::string(key) + "'", std::string(key)));
    }
  }
  return {};
}

// Exactly one of inference_id / episode_id, a UUIDv7.
std::expected<void, Error> read_target(const json::object& body, FeedbackRequest& out) {
  const json::value* inference = body.if_contains("inference_id");
  const json::value* episode = body.if_contains("episode_id");
  if (inference && inference->is_null()) inference = nullptr;
  if (episode && episode->is_null()) episode = nullptr;
  if ((inference != nullptr) == (episode != nullptr)) {
    return std::unexpected(bad("give exactly one of inference_id and episode_id"));
  }
  const char* field = inference ? "inference_id" : "episode_id";
  const json::value* id = inference ? inference : episode;
  if (!id->is_string() || !ids::is_uuid_v7(id->as_string())) {
    return std::unexpected(bad(std::string(field) + " must be a UUIDv7 string", field));
  }
  out.target_kind = inference ? TargetKind::kInference : TargetKind::kEpisode;
  out.target_id = std::string(id->as_string());
  return {};
}

std::expected<void, Error> read_options(const json::object& body, FeedbackRequest& out) {
  if (const json::value* tags = body.if_contains("tags"); tags && !tags->is_null()) {
    if (!tags->is_object())
      return std::unexpected(bad("tags must be an object of strings", "tags"));
    for (const auto& [k, v] : tags->as_object()) {
      if (!v.is_string()) {
        return std::unexpected(bad("tag '" + std::string(k) + "' must be a string", "tags"));
      }
    }
    out.tags = tags->as_object();
  }
  for (const char* flag : {"dryrun", "internal"}) {
    const json::value* v = body.if_contains(flag);
    if (v && !v->is_null() && !v->is_bool()) {
      return std::unexpected(bad(std::string(flag) + " must be a boolean", flag));
    }
  }
  if (const json::value* v = body.if_contains("dryrun"); v && v->is_bool())
    out.dryrun = v->as_bool();
  return {};
}

// The value's type and the target kind, by metric.
std::expected<void, Error> check_metric(const std::map<std::string, config::MetricConfig>& metrics,
                                        FeedbackRequest& out) {
  const std::string& name = out.metric_name;
  bool on_inference = out.target_kind == TargetKind::kInference;
  if (name == "comment") {
    out.metric_type = "comment";
    if (!out.value.is_string())
      return std::unexpected(bad("comment feedback takes a string value", "value"));
    return {};
  }
  if (name == "demonstration") {
    out.metric_type = "demonstration";
    if (!on_inference)
      return std::unexpected(bad("demonstration feedback needs an inference_id", "inference_id"));
    if (!out.value.is_string() && !out.value.is_array()) {
      return std::unexpected(
          bad("demonstration feedback takes the assistant's output: a string or an array of "
              "content blocks",
              "value"));
    }
    return {};
  }
  auto it = metrics.find(name);
  if (it == metrics.end()) {
    return std::unexpected(make_error(
        ErrorCode::kRouteNotFound,
        "unknown metric '" + name + "': define it in [metrics." + name + "]", "metric_name"));
  }
  const auto& metric = it->second;
  out.metric_type = metric.type.empty() ? "float" : metric.type;
  bool wants_episode = metric.level == "episode";
  if (wants_episode == on_inference) {
    return std::unexpected(
        bad("metric '" + name + "' has level " +
                (wants_episode ? "episode: give episode_id" : "inference: give inference_id"),
            wants_episode ? "episode_id" : "inference_id"));
  }
  if (out.metric_type == "boolean" && !out.value.is_bool()) {
    return std::unexpected(
        bad("metric '" + name + "' is boolean: value must be true or false", "value"));
  }
  if (out.metric_type == "float" && !out.value.is_number()) {
    return std::unexpected(bad("metric '" + name + "' is float: value must be a number", "value"));
  }
  return {};
}

}  // namespace

std::expected<FeedbackRequest, Error> parse_feedback(
    std::string_view body, const std::map<std::string, config::MetricConfig>& metrics) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec)
    return std::unexpected(
        make_error(ErrorCode::kInvalidJson, "body is not valid JSON: " + ec.message()));
  if (!parsed.is_object()) return std::unexpected(bad("body must be a JSON object"));
  const auto& o = parsed.as_object();
  if (auto ok = check_fields(o); !ok) return std::unexpected(ok.error());
  FeedbackRequest out;
  const json::value* name = o.if_contains("metric_name");
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    return std::unexpected(bad("metric_name is required (a string)", "metric_name"));
  }
  out.metric_name = std::string(name->as_string());
  const json::value* value = o.if_contains("value");
  if (value == nullptr || value->is_null())
    return std::unexpected(bad("value is required", "value"));
  out.value = *value;
  if (auto ok = read_target(o, out); !ok) return std::unexpected(ok.error());
  if (auto ok = read_options(o, out); !ok) return std::unexpected(ok.error());
  if (auto ok = check_metric(metrics, out); !ok) return std::unexpected(ok.error());
  return out;
}

Row feedback_row(const FeedbackRequest& request, const std::string& feedback_id, int64_t unix_ms) {
  json::object o;
  o["id"] = feedback_id;
  o["timestamp"] = unix_ms / 1000;
  o["target_id"] = request.target_id;
  o["target_type"] = request.target_kind == TargetKind::kInference ? "inference" : "episode";
  o["metric_name"] = request.metric_name;
  o["metric_type"] = request.metric_type;
  // Text as itself (comments read naturally); anything else as JSON text.
  o["value"] = request.value.is_string() ? std::string(request.value.as_string())
                                         : json::serialize(request.value);
  if (request.value.is_bool()) {
    o["value_float"] = request.value.as_bool() ? 1.0 : 0.0;
  } else if (request.value.is_number()) {
    o["value_float"] = request.value.to_number<double>();
  } else {
    o["value_float"] = nullptr;
  }
  json::array keys, values;
  split_tags(request.tags, keys, values);
  o["tags"] = json::serialize(request.tags);
  o["tag_keys"] = std::move(keys);
  o["tag_values"] = std::move(values);
  return {Table::kFeedback, std::move(o)};
}

}  // namespace sb::observability
