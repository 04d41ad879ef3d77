#pragma once

// Internal to api/openai: typed field readers that turn a wrong type into a 400 naming the field.
// Absent and null fields are both "not given" (SDKs send explicit nulls for unset options).
// Parameter paths are views: the strings are only built for an error.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/error.h"

namespace sb::api::openai::detail {

using Status = std::expected<void, Error>;

// kInvalidRequest with `param` set.
Error invalid(std::string param, std::string message);
// "'param' must be <what>"
Error must_be(std::string_view param, std::string_view what);

// The field's value when present and not null.
const boost::json::value* field(const boost::json::object& o, std::string_view key);

// A JSON number as double (ints accepted) / as an exact int64 (integral doubles accepted).
std::optional<double> as_number(const boost::json::value& v);
std::optional<int64_t> as_integer(const boost::json::value& v);

// "a.b" / "a[3]" parameter paths.
std::string join(std::string_view parent, std::string_view key);
std::string index(std::string_view parent, size_t i);

Status read_string(const boost::json::object& o, std::string_view key, std::string_view param,
                   std::string& out);
Status read_bool(const boost::json::object& o, std::string_view key, std::string_view param,
                 std::optional<bool>& out);
Status read_number(const boost::json::object& o, std::string_view key, std::string_view param,
                   double lo, double hi, std::optional<double>& out);
Status read_integer(const boost::json::object& o, std::string_view key, std::string_view param,
                    std::optional<int64_t>& out);
// An object whose values are all strings (tags, credentials).
Status read_string_map(const boost::json::object& o, std::string_view key, std::string_view param,
                       boost::json::object& out);

}  // namespace sb::api::openai::detail
