#pragma once

// A strict reader for a whole JSON document held in memory, delivering the events
// boost::json::basic_parser<Handler> delivers (on_object_begin, on_key, on_string, on_int64, ...)
// to the same handlers, at a fraction of the cost: it need not stop and resume mid-document,
// so a value is a few compares instead of a trip through a resumable state machine.
//
// It reads a subset of JSON and declines the rest: scan() returns false, and the caller decodes
// the body another way (the DOM decoders, whose verdict is then the answer). It never accepts a
// document basic_parser with default options would reject, and what it accepts produces the
// same events with the same values. Declined, even when valid: numbers basic_parser would
// read as a double unless they have at most 15 significant digits and a decimal exponent within
// ±22 (then both compute the one correctly rounded double); integers outside int64 and uint64
// and negative zero; nesting deeper than `max_depth`.
// Strings are validated as UTF-8 and passed whole (never as parts): unescaped ones as views of
// the body, escaped ones decoded into a buffer that lives until the next string.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sb::json_scan {

namespace detail {

// The bytes a string's fast loop stops at: '"', '\\', control characters and non-ASCII.
inline bool is_special(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

// Length of the well-formed UTF-8 sequence at p (Unicode table 3-7), or 0.
inline size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  auto in = [](unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; };
  size_t left = static_cast<size_t>(end - p);
  unsigned char c = p[0];
  if (in(c, 0xc2, 0xdf)) return left >= 2 && in(p[1], 0x80, 0xbf) ? 2 : 0;
  if (in(c, 0xe0, 0xef)) {
    if (left < 3 || !in(p[2], 0x80, 0xbf)) return 0;
    unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
    unsigned char hi = c == 0xed ? 0x9f : 0xbf;
    return in(p[1], lo, hi) ? 3 : 0;
  }
  if (in(c, 0xf0, 0xf4)) {
    if (left < 4 || !in(p[2], 0x80, 0xbf) || !in(p[3], 0x80, 0xbf)) return 0;
    unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
    return in(p[1], lo, hi) ? 4 : 0;
  }
  return 0;
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Exact powers of ten: every one up to 1e22 is a double without rounding.
inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

template <typename Handler>
class Scanner {
 public:
  Scanner(std::string_view body, Handler& handler, size_t max_depth)
      : p_(body.data()), end_(body.data() + body.size()), h_(handler), max_depth_(max_depth) {}

  bool run() {
    if (!h_.on_document_begin(ec_)) return false;
    skip_space();
    if (!value(0)) return false;
    skip_space();
    return p_ == end_ && h_.on_document_end(ec_);
  }

 private:
  static boost::json::string_view view(std::string_view s) { return {s.data(), s.size()}; }

  void skip_space() {
    // Most calls find a token at once: one compare rules out all four spaces.
    while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ' &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  bool value(size_t depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"': {
        std::string_view s;
        return string(s) && h_.on_string(view(s), s.size(), ec_);
      }
      case 't':
        return literal("true") && h_.on_bool(true, ec_);
      case 'f':
        return literal("false") && h_.on_bool(false, ec_);
      case 'n':
        return literal("null") && h_.on_null(ec_);
      default:
        return number();
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool object(size_t depth) {
    if (depth > max_depth_ || !h_.on_object_begin(ec_)) return false;
    if (opens_empty('}')) return h_.on_object_end(0, ec_);
    for (size_t members = 1;; ++members) {
      if (p_ == end_ || *p_ != '"') return false;
      std::string_view key;
      if (!string(key) || !h_.on_key(view(key), key.size(), ec_)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      if (!value(depth)) return false;
      Next next = after_value('}');
      if (next == Next::kClosed) return h_.on_object_end(members, ec_);
      if (next == Next::kBad) return false;
    }
  }

  bool array(size_t depth) {
    if (depth > max_depth_ || !h_.on_array_begin(ec_)) return false;
    if (opens_empty(']')) return h_.on_array_end(0, ec_);
    for (size_t items = 1;; ++items) {
      if (!value(depth)) return false;
      Next next = after_value(']');
      if (next == Next::kClosed) return h_.on_array_end(items, ec_);
      if (next == Next::kBad) return false;
    }
  }

  // At '{' or '[': steps in; true (and past `close`) when the container is empty.
  bool opens_empty(char close) {
    ++p_;
    skip_space();
    if (p_ == end_ || *p_ != close) return false;
    ++p_;
    return true;
  }

  enum class Next { kMore, kClosed, kBad };
  // After a member or item: `close` ends the container, a comma means another follows.
  Next after_value(char close) {
    skip_space();
    if (p_ == end_) return Next::kBad;
    if (*p_ == close) {
      ++p_;
      return Next::kClosed;
    }
    if (*p_ != ',') return Next::kBad;
    ++p_;
    skip_space();
    return Next::kMore;
  }

  // At the opening quote. `out` views the body, or the decoded buffer when escaped.
  bool string(std::string_view& out) {
    const char* start = ++p_;
    for (;;) {
#if defined(__SSE2__)
      while (end_ - p_ >= 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
        // Signed compare: below 0x20 or from 0x80 up (negative) in one go.
        __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
        int mask = _mm_movemask_epi8(hits);
        if (mask != 0) {
          p_ += __builtin_ctz(static_cast<unsigned>(mask));
          break;
        }
        p_ += 16;
      }
#endif
      while (p_ != end_ && !is_special(static_cast<unsigned char>(*p_))) ++p_;
      if (p_ == end_) return false;
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') return escaped_string(start, out);
      if (c < 0x20) return false;
      size_t n = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                               reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) return false;
      p_ += n;
    }
  }

  // The rest of a string from its first backslash, decoded into buffer_.
  bool escaped_string(const char* start, std::string_view& out) {
    buffer_.assign(start, static_cast<size_t>(p_ - start));
    while (p_ != end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        out = buffer_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        size_t n = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                                 reinterpret_cast<const unsigned char*>(end_));
        if (n == 0) return false;
        buffer_.append(p_, n);
        p_ += n;
        continue;
      }
      if (c != '\\') {
        buffer_.push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      if (end_ - p_ < 2) return false;
      char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"':
          buffer_.push_back('"');
          break;
        case '\\':
          buffer_.push_back('\\');
          break;
        case '/':
          buffer_.push_back('/');
          break;
        case 'b':
          buffer_.push_back('\b');
          break;
        case 'f':
          buffer_.push_back('\f');
          break;
        case 'n':
          buffer_.push_back('\n');
          break;
        case 'r':
          buffer_.push_back('\r');
          break;
        case 't':
          buffer_.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xdc00 && cp <= 0xdfff) return false;  // a trailing surrogate first
          if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(low) || low < 0xdc00 || low > 0xdfff) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          append_utf8(buffer_, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool hex4(uint32_t& out) {
    if (end_ - p_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      int v = hex_value(p_[i]);
      if (v < 0) return false;
      out = out * 16 + static_cast<uint32_t>(v);
    }
    p_ += 4;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number() {
    const char* start = p_;
    bool negative = false;
    if (*p_ == '-') {
      negative = true;
      ++p_;
    }
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    uint64_t mantissa = 0;
    int digits = 0;    // significant digits in mantissa (leading zeros not counted)
    int exponent = 0;  // decimal exponent applied to mantissa
    bool overflow = false;
    auto take_digit = [&](char c) {
      if (mantissa == 0 && c == '0') return;
      overflow |= __builtin_mul_overflow(mantissa, 10u, &mantissa);
      overflow |= __builtin_add_overflow(mantissa, static_cast<uint64_t>(c - '0'), &mantissa);
      ++digits;
    };
    if (*p_ == '0') {
      ++p_;
      if (p_ != end_ && *p_ >= '0' && *p_ <= '9') return false;  // no leading zeros
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') take_digit(*p_++);
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        take_digit(*p_++);
        --exponent;
      }
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      bool negative_exp = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) negative_exp = *p_++ == '-';
      if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
      int e = 0;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        if (e < 10000) e = e * 10 + (*p_ - '0');
        ++p_;
      }
      exponent += negative_exp ? -e : e;
    }
    boost::json::string_view text(start, static_cast<size_t>(p_ - start));
    if (overflow) return false;
    if (integer) {
      if (negative) {
        if (mantissa == 0 || mantissa > uint64_t(INT64_MAX) + 1) return false;
        return h_.on_int64(static_cast<int64_t>(0 - mantissa), text, ec_);
      }
      if (mantissa <= uint64_t(INT64_MAX)) {
        return h_.on_int64(static_cast<int64_t>(mantissa), text, ec_);
      }
      return h_.on_uint64(mantissa, text, ec_);
    }
    // A fraction's trailing zeros were counted as digits; they change neither value nor result.
    if (digits > 15 || exponent < -22 || exponent > 22) return false;
    double x = static_cast<double>(mantissa);
    if (negative) x = -x;
    x = exponent < 0 ? x / kPow10[-exponent] : x * kPow10[exponent];
    return h_.on_double(x, text, ec_);
  }

  const char* p_;
  const char* end_;
  Handler& h_;
  size_t max_depth_;
  boost::json::error_code ec_;
  std::string buffer_;
};

}  // namespace detail

// Delivers the events of `body` to `handler`; false when the scanner declines the document
// (see above), it is not JSON, or the handler stopped.
template <typename Handler>
bool scan(std::string_view body, Handler& handler, size_t max_depth) {
  return detail::Scanner<Handler>(body, handler, max_depth).run();
}

}  // namespace sb::json_scan
