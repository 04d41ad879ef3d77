#pragma once

// Tolerant field access for upstream JSON: a missing field or one of the wrong type reads as
// empty, never throws. Upstream bodies are untrusted input.

#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::providers::json {

inline std::string_view str(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return {};
  const boost::json::value* v = o->if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

inline int64_t integer(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return 0;
  const boost::json::value* v = o->if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return 0;
}

inline const boost::json::object* object(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  const boost::json::value* v = o->if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

inline const boost::json::array* array(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  const boost::json::value* v = o->if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

}  // namespace sb::providers::json
