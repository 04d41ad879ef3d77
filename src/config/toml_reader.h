#pragma once

// Typed reading of toml++ tables that collects every problem instead of stopping at the first:
// a wrong type, a bad value or a key nobody asked for becomes a ConfigError with file, line and
// dotted key. Internal to the loader.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/loader.h"
#include "config/schema.h"

namespace sb::config {

// Every error of one load, in discovery order.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(int line, std::string key, std::string message);
  const std::string& file() const { return file_; }
  std::string where(int line) const;  // "file:line", for ModelConfig::source
  bool ok() const { return errors_.empty(); }
  size_t count() const { return errors_.size(); }
  // The errors sorted by line (file order); the discovery order breaks ties.
  std::vector<ConfigError> take();

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

int line_of(const toml::node& node);
std::string_view type_name(const toml::node& node);  // "a string", "an integer", ...

struct LocatedString {
  std::string value;
  int line = 0;
};

// One table being read. Every getter marks its key as known; finish() reports the keys present
// in the table that no getter asked for ("unknown key", with a suggestion when one is close).
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, Diagnostics& diag);

  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  int line() const { return config::line_of(table_); }
  int line_of(std::string_view key) const;  // the value's line, else the table's
  bool has(std::string_view key) const { return table_.contains(key); }
  Diagnostics& diag() { return diag_; }
  const toml::table& raw() const { return table_; }

  // Each returns nothing when the key is absent or (after reporting it) has the wrong type.
  const toml::node* node(std::string_view key);
  std::optional<std::string> string(std::string_view key);
  std::optional<std::string> non_empty_string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max);
  std::optional<double> number(std::string_view key, double min);  // integer or float
  std::optional<Millis> positive_millis(std::string_view key);
  std::optional<std::vector<LocatedString>> strings(std::string_view key);
  const toml::table* table(std::string_view key);
  const toml::array* array(std::string_view key);

  // Keys that are valid here but not used (TensorZero features we do not serve).
  void accept(std::initializer_list<std::string_view> keys);
  void accept(std::span<const std::string_view> keys);
  void accept_all() { accept_all_ = true; }

  void error(std::string_view key, std::string message);  // at the key's line
  void error_at(int line, std::string_view key, std::string message);
  void table_error(std::string message);  // at the table's line, keyed by its path

  void finish();

 private:
  void type_error(std::string_view key, const toml::node& node, std::string_view expected);

  const toml::table& table_;
  std::string path_;
  Diagnostics& diag_;
  std::set<std::string, std::less<>> known_;
  bool accept_all_ = false;
};

// Calls fn(name, table, path) for every entry of `parent` (itself at `path`); an entry that is
// not a table is reported.
template <typename Fn>
void for_each_table(const toml::table& parent, const std::string& path, Diagnostics& diag, Fn fn) {
  for (auto&& [key, value] : parent) {
    std::string child = path + "." + std::string(key.str());
    if (const auto* t = value.as_table()) {
      fn(std::string(key.str()), *t, child);
    } else {
      diag.error(line_of(value), child, "expected a table, got " + std::string(type_name(value)));
    }
  }
}

}  // namespace sb::config
