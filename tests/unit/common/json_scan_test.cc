// json_scan::scan against boost::json::basic_parser: whatever the scanner accepts, the parser
// accepts too, with the same events and values. Checked on hand-written cases, on every JSON
// document in tests/testdata (files and SSE data lines), and on thousands of mutations of them.

#include "common/json_scan.h"

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/basic_parser_impl.hpp>

namespace sb {
namespace {

namespace json = boost::json;

// Writes every event as text; strings and keys delivered in parts are joined first.
struct Recorder {
  static constexpr size_t max_object_size = size_t(-1);
  static constexpr size_t max_array_size = size_t(-1);
  static constexpr size_t max_key_size = size_t(-1);
  static constexpr size_t max_string_size = size_t(-1);

  std::string out;
  std::string part;

  bool add(std::string_view tag, std::string_view text = {}) {
    out.append(tag).append(std::to_string(text.size())).append(":").append(text).append(" ");
    return true;
  }
  bool on_document_begin(json::error_code&) { return add("doc"); }
  bool on_document_end(json::error_code&) { return add("end"); }
  bool on_object_begin(json::error_code&) { return add("{"); }
  bool on_object_end(size_t n, json::error_code&) { return add("}", std::to_string(n)); }
  bool on_array_begin(json::error_code&) { return add("["); }
  bool on_array_end(size_t n, json::error_code&) { return add("]", std::to_string(n)); }
  bool piece(json::string_view s) {
    part.append(s.data(), s.size());
    return true;
  }
  // The last piece of a key or string whose pieces total `n` bytes.
  bool whole(std::string_view tag, json::string_view s, size_t n) {
    piece(s);
    EXPECT_EQ(n, part.size());
    add(tag, part);
    part.clear();
    return true;
  }
  bool on_key_part(json::string_view s, size_t, json::error_code&) { return piece(s); }
  bool on_key(json::string_view s, size_t n, json::error_code&) { return whole("K", s, n); }
  bool on_string_part(json::string_view s, size_t, json::error_code&) { return piece(s); }
  bool on_string(json::string_view s, size_t n, json::error_code&) { return whole("S", s, n); }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t v, json::string_view, json::error_code&) {
    return add("I", std::to_string(v));
  }
  bool on_uint64(uint64_t v, json::string_view, json::error_code&) {
    return add("U", std::to_string(v));
  }
  bool on_double(double v, json::string_view, json::error_code&) {
    return add("D", std::to_string(std::bit_cast<uint64_t>(v)));
  }
  bool on_bool(bool b, json::error_code&) { return add("B", b ? "1" : "0"); }
  bool on_null(json::error_code&) { return add("N"); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

constexpr size_t kDepth = 8;

std::optional<std::string> parsed(std::string_view body) {
  json::parse_options options;
  options.max_depth = kDepth;
  json::basic_parser<Recorder> parser(options);
  json::error_code ec;
  size_t n = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || n != body.size()) return std::nullopt;
  return parser.handler().out;
}

std::optional<std::string> scanned(std::string_view body) {
  Recorder r;
  if (!json_scan::scan(body, r, kDepth)) return std::nullopt;
  return r.out;
}

// The property: accepted by the scanner ⇒ accepted by the parser, with the same events.
void expect_agrees(std::string_view body) {
  auto s = scanned(body);
  if (!s) return;
  auto p = parsed(body);
  ASSERT_TRUE(p.has_value()) << "scanner accepted what the parser rejects: " << body;
  EXPECT_EQ(*s, *p) << body;
}

TEST(JsonScan, ReadsWhatTheParserReads) {
  const char* docs[] = {
      R"({})",
      R"([])",
      R"( {"a" : [1, -2, 3.5, -0.25, 1e2, 1E-3, 0, true, false, null, "x"]} )",
      "\t\r\n{\"k\":\"v\"}\n",
      R"({"s":"esc \" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20ac \ud83d\ude00 end"})",
      "{\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad\"}",
      R"({"long":"0123456789abcdefghijklmnopqrstuvwxyz0123456789 and a quote \" late"})",
      R"({"\u006bey":{"nested":{"deeper":[[[]]]}}})",
      R"({"big":9223372036854775807,"bigger":18446744073709551615,"neg":-9223372036854775808})",
      R"({"d":[0.1,0.7,123456789012345,1.5e22,-2.5e-21,100.000]})",
      R"("just a string")",
      R"(42)",
      R"({"dup":1,"dup":2})",
      R"({"empty":"","e2":{},"e3":[]})",
  };
  for (const char* d : docs) {
    SCOPED_TRACE(d);
    auto s = scanned(d);
    ASSERT_TRUE(s.has_value());
    auto p = parsed(d);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(*s, *p);
  }
}

TEST(JsonScan, RejectsWhatIsNotJson) {
  const std::string docs[] = {
      "",
      " ",
      "{",
      "}",
      R"({"a":1,})",
      R"([1,])",
      R"({"a" 1})",
      R"({a:1})",
      R"({"a":1} x)",
      R"({"a":1}{})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":.5})",
      R"({"a":1e})",
      R"({"a":+1})",
      R"({"a":-})",
      R"({"a":tru})",
      R"({"a":nul})",
      R"({"a":"\x"})",
      R"({"a":"\u12"})",
      R"({"a":"unterminated})",
      R"({"s":"\ud83d"})",  // lone surrogates
      R"({"s":"\ude00"})",
      R"({"s":"\ud83d\u0041"})",
      std::string("{\"a\":\"ctl\x01\"}"),
      std::string("{\"a\":\"tab\tinside\"}"),
      std::string("{\"a\":\"nul\0\"}", 12),
      "{\"a\":\"\xc3\"}",              // truncated sequence
      "{\"a\":\"\xc0\xaf\"}",          // overlong
      "{\"a\":\"\xed\xa0\x80\"}",      // an encoded surrogate
      "{\"a\":\"\xf4\x90\x80\x80\"}",  // beyond U+10FFFF
      "{\"a\":\"\xff\"}",
      "// c\n{}",
      "\xef\xbb\xbf{}",  // a byte order mark
  };
  for (const auto& d : docs) {
    EXPECT_FALSE(scanned(d).has_value()) << d;
    expect_agrees(d);
  }
}

TEST(JsonScan, DeclinesWhatItDoesNotComputeExactly) {
  const char* docs[] = {
      R"({"n":-0})",
      R"({"n":18446744073709551616})",
      R"({"n":-9223372036854775809})",
      R"({"n":0.1234567890123456})",  // 16 significant digits
      R"({"n":1e23})",
      R"({"n":1e-23})",
      R"([[[[[[[[[]]]]]]]]])",  // 9 deep
  };
  for (const char* d : docs) {
    EXPECT_FALSE(scanned(d).has_value()) << d;
    EXPECT_TRUE(parsed(d).has_value() || std::string_view(d).starts_with("[[[")) << d;
  }
  EXPECT_TRUE(scanned("[[[[[[[[]]]]]]]]").has_value());  // 8 deep: the limit
}

// Every JSON document in tests/testdata: whole .json files and SSE "data:" lines.
std::vector<std::string> corpus() {
  std::vector<std::string> docs;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SB_TESTDATA_DIR)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string body = text.str();
    if (entry.path().extension() == ".json") docs.push_back(body);
    std::istringstream lines(body);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("data: {")) docs.push_back(line.substr(6));
    }
  }
  return docs;
}

TEST(JsonScan, AgreesOnEveryTestDocument) {
  auto docs = corpus();
  ASSERT_GT(docs.size(), 200u);
  size_t both = 0, valid = 0;
  for (const auto& d : docs) {
    expect_agrees(d);
    if (parsed(d)) {
      ++valid;
      if (scanned(d)) ++both;
    }
  }
  // Real provider JSON is the scanner's whole point: it must read nearly all of it.
  EXPECT_GT(both * 100, valid * 95) << both << " of " << valid;
}

TEST(JsonScan, AgreesOnMutatedDocuments) {
  auto docs = corpus();
  std::mt19937 rng(20261123);
  const std::string inserts[] = {"\"",  "\\", "\\u", "\\ud800", "\x80", "\xff", "\xc3\xa9",
                                 "}",   "]",  ",",   ":",       "0",    "-",    "e",
                                 "1.5", " ",  "{",   "[",       "null", "\x01", "\t"};
  size_t accepted = 0;
  for (const auto& d : docs) {
    if (d.empty()) continue;
    for (int i = 0; i < 40; ++i) {
      std::string m = d;
      size_t at = rng() % m.size();
      switch (rng() % 4) {
        case 0:
          m.resize(at);
          break;
        case 1:
          m.erase(at, 1 + rng() % 3);
          break;
        case 2:
          m.insert(at, inserts[rng() % std::size(inserts)]);
          break;
        default:
          m[at] = static_cast<char>(rng() % 256);
          break;
      }
      expect_agrees(m);
      if (scanned(m)) ++accepted;
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(accepted, 100u);  // the mutations that stay valid are checked, not only rejections
}

}  // namespace
}  // namespace sb
