#pragma once

// Internal: what both clients check before a request leaves: methods and header names are HTTP
// tokens, header values cannot inject protocol text.

#include <strings.h>

#include <string_view>

namespace sb::upstream::detail {

inline bool has_prefix_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// RFC 9110 tchar: visible ASCII except the delimiters.
struct TokenChars {
  bool allowed[256];
  constexpr TokenChars() : allowed() {
    for (int c = 0x21; c < 0x7f; ++c) allowed[c] = true;
    for (char c : std::string_view("\"(),/:;<=>?@[\\]{}"))
      allowed[static_cast<unsigned char>(c)] = false;
  }
};
inline constexpr TokenChars kTokenChars;

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!kTokenChars.allowed[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

inline bool is_header_value(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

}  // namespace sb::upstream::detail
