#pragma once

// Table rows: what a store writes and what the spool keeps. A row is a JSON object keyed by the
// column names of schema.h, values already in the stores' shape (unix seconds, 0/1 booleans,
// milliseconds as doubles), so one row serves SQLite, ClickHouse's JSONEachRow and the spool.

#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "observability/record.h"
#include "observability/schema.h"

namespace sb::observability {

struct Row {
  Table table = Table::kRequests;
  boost::json::object values;
};

// Bound for each raw upstream body kept in model_inferences (the router bounds them already;
// this keeps the store's promise whatever the producer does).
inline constexpr size_t kMaxRawBodyBytes = 256 * 1024;

// One inference: its requests row, its inference_params row, one model_inferences row per attempt.
void append_rows(const InferenceRecord& record, std::vector<Row>& out);

// A tag object ({"k":"v"}) as parallel key / value arrays (non-string values as JSON text).
void split_tags(const boost::json::object& tags, boost::json::array& keys,
                boost::json::array& values);

// The spool's payload for a batch: one line per row, "<table>\t<json>\n".
std::string encode_rows(std::span<const Row> rows);
std::expected<std::vector<Row>, std::string> decode_rows(std::string_view text);

}  // namespace sb::observability
