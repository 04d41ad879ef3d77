#include "observability/rows.h"

#include <boost/json.hpp>

namespace sb::observability {

namespace {

namespace json = boost::json;

int64_t seconds(int64_t unix_ms) {
  return unix_ms / 1000;
}
double millis(int64_t us) {
  return static_cast<double>(us) / 1000.0;
}

json::value tokens(const std::optional<api::Usage>& usage, int64_t api::Usage::*field) {
  if (!usage) return nullptr;
  return (*usage).*field;
}

void put_usage(json::object& o, const std::optional<api::Usage>& usage) {
  o["prompt_tokens"] = tokens(usage, &api::Usage::input_tokens);
  o["completion_tokens"] = tokens(usage, &api::Usage::output_tokens);
  o["reasoning_tokens"] = tokens(usage, &api::Usage::reasoning_tokens);
  o["cached_tokens"] = tokens(usage, &api::Usage::cache_read_tokens);
  o["cache_write_tokens"] = tokens(usage, &api::Usage::cache_write_tokens);
}

std::string bounded(const std::string& body) {
  if (body.size() <= kMaxRawBodyBytes) return body;
  size_t cut = kMaxRawBodyBytes;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return body.substr(0, cut);
}

json::object parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

std::string text_or_empty(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return "";
  return json::serialize(*v);
}

json::value number_or_null(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return nullptr;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return nullptr;
}

json::value count_or_null(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v != nullptr && v->is_int64() && v->as_int64() >= 0 && v->as_int64() <= UINT32_MAX) {
    return v->as_int64();
  }
  return nullptr;
}

Row requests_row(const InferenceRecord& r) {
  json::object o;
  o["id"] = r.id;
  o["timestamp"] = seconds(r.timestamp_ms);
  o["episode_id"] = r.episode_id;
  o["endpoint"] = r.endpoint;
  o["stream"] = r.stream ? 1 : 0;
  o["model_requested"] = r.model_requested;
  o["model"] = r.model;
  o["provider"] = r.provider;
  o["provider_type"] = r.provider_type;
  o["upstream_model"] = r.upstream_model;
  o["status"] = r.status;
  o["error_type"] = r.error_code;
  o["error"] = r.error;
  o["http_status"] = r.http_status;
  o["input"] = r.input_json;
  o["output"] = r.output_text;
  o["reasoning"] = r.reasoning_text;
  o["tool_calls"] = r.tool_calls_json.empty() ? "[]" : r.tool_calls_json;
  o["finish_reason"] = r.finish_reason;
  put_usage(o, r.usage);
  o["latency_ms"] = millis(r.latency_us);
  o["ttft_ms"] = r.stream && r.ttft_us > 0 ? json::value(millis(r.ttft_us)) : json::value(nullptr);
  o["upstream_ms"] = millis(r.upstream_us);
  o["overhead_ms"] = millis(std::max<int64_t>(0, r.latency_us - r.upstream_us));
  o["attempts"] = static_cast<int64_t>(r.attempts.size());
  json::object tags = parse_object(r.tags_json);
  json::array keys, values;
  split_tags(tags, keys, values);
  o["tags"] = json::serialize(tags);
  o["tag_keys"] = std::move(keys);
  o["tag_values"] = std::move(values);
  return {Table::kRequests, std::move(o)};
}

// The sampling parameters as typed columns, and the rest as JSON: tools, tool_choice and
// response_format in their own columns, everything else in `params`.
Row params_row(const InferenceRecord& r) {
  json::object params = parse_object(r.params_json);
  json::object o;
  o["request_id"] = r.id;
  o["timestamp"] = seconds(r.timestamp_ms);
  o["model"] = r.model;
  o["temperature"] = number_or_null(params, "temperature");
  o["top_p"] = number_or_null(params, "top_p");
  json::value max_tokens = count_or_null(params, "max_completion_tokens");
  if (max_tokens.is_null()) max_tokens = count_or_null(params, "max_tokens");
  o["max_tokens"] = max_tokens;
  o["tools"] = text_or_empty(params, "tools");
  o["tool_choice"] = text_or_empty(params, "tool_choice");
  o["response_format"] = text_or_empty(params, "response_format");
  for (const char* k : {"tools", "tool_choice", "response_format"}) params.erase(k);
  o["params"] = json::serialize(params);
  return {Table::kInferenceParams, std::move(o)};
}

Row attempt_row(const InferenceRecord& r, const AttemptRecord& a) {
  json::object o;
  o["id"] = a.id;
  o["request_id"] = r.id;
  o["timestamp"] = seconds(r.timestamp_ms);
  o["attempt"] = a.number;
  o["model"] = a.model;
  o["provider"] = a.provider;
  o["provider_type"] = a.provider_type;
  o["upstream_model"] = a.upstream_model;
  o["status"] = a.error_code.empty() ? "ok" : "error";
  o["error_type"] = a.error_code;
  o["error"] = a.error;
  o["http_status"] = a.http_status;
  o["latency_ms"] = millis(a.latency_us);
  o["ttft_ms"] = r.stream && a.ttft_us > 0 ? json::value(millis(a.ttft_us)) : json::value(nullptr);
  put_usage(o, a.usage);
  o["raw_request"] = bounded(a.raw_request);
  o["raw_response"] = bounded(a.raw_response);
  return {Table::kModelInferences, std::move(o)};
}

}  // namespace

void split_tags(const json::object& tags, json::array& keys, json::array& values) {
  for (const auto& [k, v] : tags) {
    keys.emplace_back(k);
    if (v.is_string()) {
      values.emplace_back(v.as_string());
    } else {
      values.emplace_back(json::serialize(v));
    }
  }
}

void append_rows(const InferenceRecord& record, std::vector<Row>& out) {
  out.push_back(requests_row(record));
  out.push_back(params_row(record));
  for (const auto& a : record.attempts) out.push_back(attempt_row(record, a));
}

std::string encode_rows(std::span<const Row> rows) {
  std::string out;
  for (const auto& row : rows) {
    out += table_name(row.table);
    out += '\t';
    out += json::serialize(row.values);
    out += '\n';
  }
  return out;
}

std::expected<std::vector<Row>, std::string> decode_rows(std::string_view text) {
  std::vector<Row> rows;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) return std::unexpected("unterminated row");
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return std::unexpected("row without a table name");
    auto table = table_from_name(line.substr(0, tab));
    if (!table) return std::unexpected("unknown table '" + std::string(line.substr(0, tab)) + "'");
    boost::system::error_code ec;
    json::value v = json::parse(line.substr(tab + 1), ec);
    if (ec || !v.is_object()) return std::unexpected("row is not a JSON object");
    rows.push_back({*table, std::move(v.as_object())});
  }
  return rows;
}

}  // namespace sb::observability
