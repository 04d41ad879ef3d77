#include "config/toml_reader.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace sb::config {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void Diagnostics::error(int line, std::string key, std::string message) {
  errors_.push_back(ConfigError{
      .file = file_, .line = line, .key = std::move(key), .message = std::move(message)});
}

std::string Diagnostics::where(int line) const {
  return file_ + ":" + std::to_string(line);
}

std::vector<ConfigError> Diagnostics::take() {
  std::stable_sort(errors_.begin(), errors_.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
  return std::move(errors_);
}

int line_of(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

TableReader::TableReader(const toml::table& table, std::string path, Diagnostics& diag)
    : table_(table), path_(std::move(path)), diag_(diag) {}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

int TableReader::line_of(std::string_view key) const {
  const toml::node* n = table_.get(key);
  return n ? config::line_of(*n) : line();
}

const toml::node* TableReader::node(std::string_view key) {
  known_.emplace(key);
  return table_.get(key);
}

void TableReader::type_error(std::string_view key, const toml::node& node,
                             std::string_view expected) {
  diag_.error(config::line_of(node), key_path(key),
              "expected " + std::string(expected) + ", got " + std::string(type_name(node)));
}

std::optional<std::string> TableReader::string(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (const auto* s = n->as_string()) return s->get();
  type_error(key, *n, "a string");
  return std::nullopt;
}

std::optional<std::string> TableReader::non_empty_string(std::string_view key) {
  auto s = string(key);
  if (s && s->empty()) {
    error(key, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (const auto* b = n->as_boolean()) return b->get();
  type_error(key, *n, "a boolean");
  return std::nullopt;
}

std::optional<int64_t> TableReader::integer(std::string_view key, int64_t min, int64_t max) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const auto* i = n->as_integer();
  if (!i) {
    type_error(key, *n, "an integer");
    return std::nullopt;
  }
  int64_t v = i->get();
  constexpr int64_t kUnbounded = int64_t{1} << 50;  // larger maxima are not worth naming
  if (v < min || v > max) {
    std::string rule = min == 1 && max >= kUnbounded ? std::string("must be positive")
                       : max >= kUnbounded           ? "must be at least " + std::to_string(min)
                                           : "must be between " + std::to_string(min) + " and " +
                                                 std::to_string(max);
    error(key, rule + ", got " + std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> TableReader::number(std::string_view key, double min) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  std::optional<double> v;
  if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
  if (const auto* f = n->as_floating_point()) v = f->get();
  if (!v) {
    type_error(key, *n, "a number");
    return std::nullopt;
  }
  if (!std::isfinite(*v) || *v < min) {
    std::ostringstream bound;
    bound << min;
    error(key, "must be a number of at least " + bound.str());
    return std::nullopt;
  }
  return v;
}

std::optional<Millis> TableReader::positive_millis(std::string_view key) {
  auto v = integer(key, 1, INT64_MAX / 1000);
  if (!v) return std::nullopt;
  return Millis(*v);
}

std::optional<std::vector<LocatedString>> TableReader::strings(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const auto* a = n->as_array();
  if (!a) {
    type_error(key, *n, "an array of strings");
    return std::nullopt;
  }
  std::vector<LocatedString> out;
  bool ok = true;
  for (const toml::node& element : *a) {
    if (const auto* s = element.as_string()) {
      out.push_back({s->get(), config::line_of(element)});
    } else {
      diag_.error(config::line_of(element), key_path(key),
                  "expected an array of strings, found " + std::string(type_name(element)));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return nullptr;
  if (const auto* t = n->as_table()) return t;
  type_error(key, *n, "a table");
  return nullptr;
}

const toml::array* TableReader::array(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return nullptr;
  if (const auto* a = n->as_array()) return a;
  type_error(key, *n, "an array");
  return nullptr;
}

void TableReader::accept(std::initializer_list<std::string_view> keys) {
  for (auto k : keys) known_.emplace(k);
}

void TableReader::accept(std::span<const std::string_view> keys) {
  for (auto k : keys) known_.emplace(k);
}

void TableReader::error(std::string_view key, std::string message) {
  diag_.error(line_of(key), key_path(key), std::move(message));
}

void TableReader::error_at(int line, std::string_view key, std::string message) {
  diag_.error(line, key_path(key), std::move(message));
}

void TableReader::table_error(std::string message) {
  diag_.error(line(), path_, std::move(message));
}

void TableReader::finish() {
  if (accept_all_) return;
  for (auto&& [key, value] : table_) {
    if (known_.contains(key.str())) continue;
    std::string message = "unknown key";
    std::string_view best;
    size_t best_distance = 3;  // suggest only close spellings
    for (const auto& k : known_) {
      size_t d = edit_distance(key.str(), k);
      if (d < best_distance) best_distance = d, best = k;
    }
    if (!best.empty()) message += " (did you mean '" + std::string(best) + "'?)";
    diag_.error(static_cast<int>(key.source().begin.line), key_path(key.str()), message);
  }
}

}  // namespace sb::config
