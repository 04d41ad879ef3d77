#pragma once

// Hand-rolled JSON text for the hot paths (stream chunks, whole chat responses, log lines):
// appending escaped strings and integers into a caller's buffer avoids building a DOM per chunk,
// response or line. Everything else uses Boost.JSON.

#include <cstdint>
#include <string>
#include <string_view>

namespace sb {

// Appends `s` as a quoted JSON string. Bytes >= 0x80 pass through unchanged (the input is UTF-8
// text that came out of a JSON parser); control characters are escaped.
void append_json_string(std::string& out, std::string_view s);
// The same without the quotes, for text that continues a string ("chatcmpl-" + id).
void append_json_escaped(std::string& out, std::string_view s);
void append_json_int(std::string& out, int64_t v);

}  // namespace sb
