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

}  // namespace sb::testing
