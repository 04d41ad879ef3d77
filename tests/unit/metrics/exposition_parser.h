#pragma once

// A strict reader of the Prometheus text format 0.0.4 for tests: it fails on anything the
// Prometheus parser would refuse (bad names, escapes, values, a TYPE after samples, families
// split in two, duplicate series) and on inconsistent histograms (le not increasing, counts
// not cumulative, no +Inf, _count different from the +Inf bucket).

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sb::metrics::testing_util {

struct Parsed {
  std::string error;                         // empty when the text is valid
  std::map<std::string, double> samples;     // `name{labels}` as written → value
  std::map<std::string, std::string> types;  // family → type
  double value(const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  }
};

namespace detail {

inline bool name_char(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

inline size_t read_name(std::string_view s, size_t i, bool colon) {
  size_t start = i;
  while (i < s.size() && name_char(s[i], i == start, colon)) ++i;
  return i;
}

inline bool parse_value(std::string_view v, double& out) {
  if (v == "+Inf" || v == "Inf") {
    out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (v == "-Inf") {
    out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (v == "NaN") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (v.empty()) return false;
  std::string text(v);
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && text.find_first_of("xXpP") == std::string::npos;
}

struct HistogramSeries {
  std::vector<std::pair<double, double>> buckets;  // le, count
  bool has_count = false;
  bool has_sum = false;
  double count = 0;
};

}  // namespace detail

inline Parsed parse_exposition(std::string_view text) {
  using namespace detail;
  Parsed p;
  auto fail = [&p](size_t line, const std::string& why) {
    if (p.error.empty()) p.error = "line " + std::to_string(line) + ": " + why;
    return p;
  };
  if (!text.empty() && text.back() != '\n') return fail(0, "output does not end with a line feed");
  std::set<std::string> helped;
  std::set<std::string> finished;  // families whose group of lines has ended
  std::string current;             // family of the previous sample
  std::set<std::string> series_seen;
  std::map<std::string, std::map<std::string, HistogramSeries>> histograms;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line.starts_with('#')) {
      bool help = line.starts_with("# HELP ");
      bool type = line.starts_with("# TYPE ");
      if (!help && !type) continue;  // a comment
      std::string_view rest = line.substr(7);
      size_t end = read_name(rest, 0, true);
      if (end == 0) return fail(line_no, "bad metric name in HELP/TYPE");
      std::string name(rest.substr(0, end));
      if (help) {
        if (end < rest.size() && rest[end] != ' ') return fail(line_no, "bad HELP line");
        std::string_view doc = end < rest.size() ? rest.substr(end + 1) : std::string_view{};
        for (size_t i = 0; i < doc.size(); ++i) {
          if (doc[i] == '\\' &&
              (i + 1 >= doc.size() || (doc[i + 1] != '\\' && doc[i + 1] != 'n'))) {
            return fail(line_no, "bad escape in HELP");
          }
          if (doc[i] == '\\') ++i;
        }
        if (!helped.insert(name).second) return fail(line_no, "second HELP for " + name);
      } else {
        if (end >= rest.size() || rest[end] != ' ') return fail(line_no, "bad TYPE line");
        std::string t(rest.substr(end + 1));
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (!kTypes.contains(t)) return fail(line_no, "unknown type " + t);
        if (p.types.contains(name)) return fail(line_no, "second TYPE for " + name);
        if (finished.contains(name) || current == name) {
          return fail(line_no, "TYPE after samples of " + name);
        }
        p.types[name] = t;
      }
      continue;
    }
    // A sample.
    size_t end = read_name(line, 0, true);
    if (end == 0) return fail(line_no, "bad metric name");
    std::string name(line.substr(0, end));
    std::map<std::string, std::string> labels;
    size_t i = end;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t lend = read_name(line, i, false);
        if (lend == i) return fail(line_no, "bad label name");
        std::string lname(line.substr(i, lend - i));
        if (lname.starts_with("__")) return fail(line_no, "reserved label name " + lname);
        i = lend;
        if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
          return fail(line_no, "expected =\" after label name");
        }
        i += 2;
        std::string value;
        for (;;) {
          if (i >= line.size()) return fail(line_no, "unterminated label value");
          char c = line[i++];
          if (c == '"') break;
          if (c == '\\') {
            if (i >= line.size()) return fail(line_no, "bad escape");
            char e = line[i++];
            if (e == '\\')
              value += '\\';
            else if (e == '"')
              value += '"';
            else if (e == 'n')
              value += '\n';
            else
              return fail(line_no, "bad escape \\" + std::string(1, e));
          } else {
            value += c;
          }
        }
        if (!labels.emplace(lname, value).second) return fail(line_no, "duplicate label " + lname);
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail(line_no, "unterminated label set");
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ')
      return fail(line_no, "expected a space before the value");
    std::string_view rest = line.substr(i + 1);
    std::string_view value_text = rest.substr(0, rest.find(' '));
    double value = 0;
    if (!parse_value(value_text, value))
      return fail(line_no, "bad value '" + std::string(value_text) + "'");
    std::string key(line.substr(0, i));
    if (!series_seen.insert(key).second) return fail(line_no, "duplicate series " + key);
    p.samples[key] = value;

    // Which family: a histogram's _bucket/_sum/_count belong to it.
    std::string family = name;
    std::string suffix;
    for (std::string s : {"_bucket", "_sum", "_count"}) {
      if (name.size() > s.size() && name.ends_with(s)) {
        std::string base = name.substr(0, name.size() - s.size());
        auto t = p.types.find(base);
        if (t != p.types.end() && (t->second == "histogram" || t->second == "summary")) {
          family = base;
          suffix = s;
        }
      }
    }
    if (family != current) {
      if (finished.contains(family)) return fail(line_no, "family " + family + " split in two");
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    auto t = p.types.find(family);
    if (t != p.types.end() && t->second == "histogram") {
      if (suffix.empty()) return fail(line_no, "histogram sample without suffix: " + name);
      std::string le;
      if (suffix == "_bucket") {
        auto l = labels.find("le");
        if (l == labels.end()) return fail(line_no, "bucket without le");
        le = l->second;
        labels.erase(l);
      } else if (labels.contains("le")) {
        return fail(line_no, "le on " + suffix);
      }
      std::string id;
      for (const auto& [k, v] : labels) id += k + "=" + v + ",";
      auto& h = histograms[family][id];
      if (suffix == "_bucket") {
        double bound = 0;
        if (!parse_value(le, bound)) return fail(line_no, "bad le '" + le + "'");
        if (!h.buckets.empty() && bound <= h.buckets.back().first) {
          return fail(line_no, "le not increasing");
        }
        if (!h.buckets.empty() && value < h.buckets.back().second) {
          return fail(line_no, "bucket counts not cumulative");
        }
        h.buckets.emplace_back(bound, value);
      } else if (suffix == "_count") {
        h.has_count = true;
        h.count = value;
      } else {
        h.has_sum = true;
      }
    } else if (t != p.types.end() && t->second == "counter" && value < 0) {
      return fail(line_no, "negative counter");
    }
  }
  for (const auto& [family, series] : histograms) {
    for (const auto& [id, h] : series) {
      if (h.buckets.empty() || !std::isinf(h.buckets.back().first)) {
        return fail(line_no, family + "{" + id + "} has no +Inf bucket");
      }
      if (!h.has_count || !h.has_sum)
        return fail(line_no, family + "{" + id + "} lacks _sum/_count");
      if (h.count != h.buckets.back().second) {
        return fail(line_no, family + "{" + id + "} _count differs from the +Inf bucket");
      }
    }
  }
  return p;
}

}  // namespace sb::metrics::testing_util
