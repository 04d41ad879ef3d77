#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <memory>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace sb::log {

enum class Format { kPretty, kJson };

// Installs the process logger (spec §4.3): deferred (DeferredSink), so a worker thread never
// waits on stdout and rarely wakes the writer; when 4 MiB of lines wait, new lines are dropped
// and counted (dropped_lines()).
// JSON lines: {"timestamp","level","service":"tensorzero-gateway","message", ...fields}.
// Fields come from the message itself: a message written as "what: key=value, key=value"
// (the manual's "request processed: model=..., latency_ms=1234") also carries each key as a
// JSON field; integer values become numbers. So every call site writes one readable line and
// gets structured fields without another API. A value runs until the next ", key=" or " key="
// (logfmt-style "key=value key=value" works too).
// `level` is a RUST_LOG-style directive (see parse_level); an unknown one means info, with a
// warning.
void init(Format format, std::string_view level);

// Writes what is pending and stops the writer thread (call before exit); later lines are
// written synchronously.
void shutdown();

// RUST_LOG-style level: "info", "warn"/"warning", "debug", "trace", "error", "off", or
// "target=level" directives separated by commas ("warn,gateway=debug"): the most verbose
// level named wins. Case-insensitive. nullopt when nothing in `text` is a level.
std::optional<spdlog::level::level_enum> parse_level(std::string_view text);

// The formatter init() installs: "TIMESTAMP LEVEL message" or the JSON line (exposed for tests).
std::unique_ptr<spdlog::formatter> make_formatter(Format format);

// Lines dropped because stdout could not keep up.
size_t dropped_lines();

// The JSON line for one message (what the JSON format writes, without the timestamp's
// formatting concerns; exposed for tests). `timestamp` is inserted as is.
std::string json_line(std::string_view timestamp, spdlog::level::level_enum level,
                      std::string_view message);

}  // namespace sb::log
