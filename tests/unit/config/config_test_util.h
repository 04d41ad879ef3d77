#pragma once

// Helpers for the config tests: load inline TOML and check located errors.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"

namespace sb::config::testing {

inline std::string testdata(std::string_view name) {
  return std::string(SB_TESTDATA_DIR) + "/config/" + std::string(name);
}

inline std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += "  " + e.to_string() + "\n";
  return out.empty() ? "  (no errors)\n" : out;
}

// Loads `toml` as "t.toml" and expects it to fail; returns the errors.
inline std::vector<ConfigError> errors_of(std::string_view toml) {
  auto loaded = load_string(toml, "t.toml");
  if (loaded) {
    ADD_FAILURE() << "expected the config to be rejected";
    return {};
  }
  return loaded.error();
}

// Loads `toml` as "t.toml" and expects it to succeed.
inline Config load_ok(std::string_view toml) {
  auto loaded = load_string(toml, "t.toml");
  if (!loaded) {
    ADD_FAILURE() << "expected the config to load:\n" << dump(loaded.error());
    return {};
  }
  return *loaded;
}

// An error at `line` with exactly `key` whose message contains `text`.
inline ::testing::AssertionResult has_error(const std::vector<ConfigError>& errors, int line,
                                            std::string_view key, std::string_view text) {
  for (const auto& e : errors) {
    if (e.line == line && e.key == key && e.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at line " << line << " for '" << key
                                       << "' containing '" << text << "' among:\n"
                                       << dump(errors);
}

}  // namespace sb::config::testing
