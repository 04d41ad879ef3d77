#pragma once

#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace sb::log {

enum class Format { kPretty, kJson };

// Installs the process logger. JSON lines carry time, level, service and message
// (spec §4.3: service "tensorzero-gateway"). `level` is spdlog's name ("info", "debug", ...).
void init(Format format, std::string_view level);

// Escapes `s` for inclusion in a JSON string (no quotes added).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace sb::log
