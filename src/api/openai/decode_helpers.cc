#include "api/openai/decode_helpers.h"

#include <cmath>
#include <limits>

namespace sb::api::openai::detail {

namespace json = boost::json;

namespace {

std::string format_bound(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

}  // namespace

Error invalid(std::string param, std::string message) {
  return make_error(ErrorCode::kInvalidRequest, std::move(message), std::move(param));
}

Error must_be(std::string_view param, std::string_view what) {
  std::string message = "'";
  message.append(param);
  message.append("' must be ");
  message.append(what);
  return invalid(std::string(param), std::move(message));
}

const json::value* field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

std::optional<double> as_number(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      return v.get_double();
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> as_integer(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return v.get_int64();
    case json::kind::uint64:
      if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return std::nullopt;
      }
      return static_cast<int64_t>(v.get_uint64());
    case json::kind::double_: {
      double d = v.get_double();
      // 2^63 is exactly representable; anything at or above it does not fit.
      if (d != std::floor(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) {
        return std::nullopt;
      }
      return static_cast<int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

std::string join(std::string_view parent, std::string_view key) {
  std::string s(parent);
  s.push_back('.');
  s.append(key);
  return s;
}

std::string index(std::string_view parent, size_t i) {
  std::string s(parent);
  s.push_back('[');
  s.append(std::to_string(i));
  s.push_back(']');
  return s;
}

Status read_string(const json::object& o, std::string_view key, std::string_view param,
                   std::string& out) {
  const json::value* v = field(o, key);
  if (v == nullptr) return {};
  if (!v->is_string()) return std::unexpected(must_be(param, "a string"));
  out.assign(v->get_string().data(), v->get_string().size());
  return {};
}

Status read_bool(const json::object& o, std::string_view key, std::string_view param,
                 std::optional<bool>& out) {
  const json::value* v = field(o, key);
  if (v == nullptr) return {};
  if (!v->is_bool()) return std::unexpected(must_be(param, "a boolean"));
  out = v->get_bool();
  return {};
}

Status read_number(const json::object& o, std::string_view key, std::string_view param, double lo,
                   double hi, std::optional<double>& out) {
  const json::value* v = field(o, key);
  if (v == nullptr) return {};
  std::optional<double> d = as_number(*v);
  if (!d || !(*d >= lo && *d <= hi)) {
    return std::unexpected(
        must_be(param, "a number between " + format_bound(lo) + " and " + format_bound(hi)));
  }
  out = *d;
  return {};
}

Status read_integer(const json::object& o, std::string_view key, std::string_view param,
                    std::optional<int64_t>& out) {
  const json::value* v = field(o, key);
  if (v == nullptr) return {};
  std::optional<int64_t> i = as_integer(*v);
  if (!i) return std::unexpected(must_be(param, "an integer"));
  out = *i;
  return {};
}

Status read_string_map(const json::object& o, std::string_view key, std::string_view param,
                       json::object& out) {
  const json::value* v = field(o, key);
  if (v == nullptr) return {};
  if (!v->is_object()) return std::unexpected(must_be(param, "an object of strings"));
  for (const auto& kv : v->get_object()) {
    if (!kv.value().is_string()) {
      std::string p = join(param, kv.key());
      return std::unexpected(must_be(p, "a string"));
    }
  }
  out = v->get_object();
  return {};
}

}  // namespace sb::api::openai::detail
