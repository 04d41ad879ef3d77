#pragma once

// Pieces of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).

#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace sb::metrics {

bool is_metric_name(std::string_view name);  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_label_name(std::string_view name);   // [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"

// HELP text: backslash and line feed escaped.
void append_help(std::string& out, std::string_view help);
// A label value between its quotes: backslash, double quote and line feed escaped. Invalid
// UTF-8 is passed through byte for byte (Prometheus rejects it, so callers bound their values).
void append_label_value(std::string& out, std::string_view value);
// A sample value: integers without a fraction, others in the shortest round-trip form,
// +Inf, -Inf, NaN.
void append_value(std::string& out, double value);
// {a="x",b="y"} (nothing when both are empty); `le` (histograms) is appended last when set.
void append_labels(std::string& out, const Labels& labels, std::string_view le = {});

// # HELP and # TYPE lines of one family.
void append_header(std::string& out, std::string_view name, std::string_view help, Kind kind);

}  // namespace sb::metrics
