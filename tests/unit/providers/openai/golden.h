#pragma once

// Golden-file helpers for the provider tests (files under tests/testdata/).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "common/http_message.h"
#include "config/schema.h"

namespace sb::testing {

inline std::string testdata(std::string_view relative) {
  return std::string(SB_TESTDATA_DIR) + "/" + std::string(relative);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline boost::json::value read_json(const std::string& path) {
  return boost::json::parse(read_file(path));
}

// Files in testdata/<dir> ending in `suffix`, sorted, as full paths.
inline std::vector<std::string> files_in(std::string_view dir, std::string_view suffix) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(testdata(dir))) {
    std::string p = e.path().string();
    if (p.ends_with(suffix)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string stem(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

inline std::string str(const boost::json::value& v) {
  return std::string(v.as_string());
}

// A golden case's provider: name, type, model_name, extra_headers [[name, value], ...] and
// options {key: value}.
inline config::ProviderConfig provider_from(const boost::json::object& t) {
  config::ProviderConfig p;
  p.name = str(t.at("name"));
  p.type = str(t.at("type"));
  p.model_name = str(t.at("model_name"));
  if (const boost::json::value* h = t.if_contains("extra_headers")) {
    for (const boost::json::value& kv : h->as_array()) {
      p.extra_headers.emplace_back(str(kv.as_array()[0]), str(kv.as_array()[1]));
    }
  }
  if (const boost::json::value* o = t.if_contains("options")) {
    for (const auto& kv : o->as_object()) p.options.emplace(kv.key(), str(kv.value()));
  }
  return p;
}

// Headers as the golden files write them: [[name, value], ...].
inline boost::json::array headers_json(const HeaderList& headers) {
  boost::json::array out;
  for (const auto& [k, v] : headers) {
    out.push_back(boost::json::array{boost::json::string(k), boost::json::string(v)});
  }
  return out;
}

}  // namespace sb::testing
