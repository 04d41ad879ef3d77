// Dotenv files (env.shared, .env.local): the subset of the format docker compose and
// python-dotenv agree on.

#include <cctype>

#include "config/credentials.h"

namespace sb::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

class DotenvParser {
 public:
  explicit DotenvParser(std::string_view text) : text_(text) {}

  std::map<std::string, std::string> parse() {
    std::map<std::string, std::string> out;
    while (pos_ < text_.size()) {
      skip_blanks();
      if (at_end_of_line()) {
        skip_line();
        continue;
      }
      if (peek() == '#') {
        skip_line();
        continue;
      }
      std::optional<std::string> key = read_key();
      std::optional<std::string> value = key ? read_value() : std::nullopt;
      skip_line();  // a comment or junk after a quoted value
      if (key && value) out.insert_or_assign(*key, *value);
    }
    return out;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\n'; }
  bool at_end_of_line() const { return peek() == '\n' || peek() == '\r'; }
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  void skip_line() {
    size_t nl = text_.find('\n', pos_);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  }

  // `[export ]KEY =`; nullopt (line left for skip_line) when it is not one.
  std::optional<std::string> read_key() {
    size_t eq = text_.find('=', pos_);
    size_t nl = text_.find('\n', pos_);
    if (eq == std::string_view::npos || (nl != std::string_view::npos && nl < eq)) {
      return std::nullopt;
    }
    std::string_view key = text_.substr(pos_, eq - pos_);
    if (key.starts_with("export") && key.size() > 6 && is_blank(key[6])) key.remove_prefix(7);
    while (!key.empty() && is_blank(key.front())) key.remove_prefix(1);
    while (!key.empty() && is_blank(key.back())) key.remove_suffix(1);
    if (!is_variable_name(key)) return std::nullopt;
    pos_ = eq + 1;
    return std::string(key);
  }

  std::optional<std::string> read_value() {
    size_t start = pos_;
    skip_blanks();
    if (pos_ > start && peek() == '#') return std::string();  // KEY= # only a comment
    if (peek() == '"') return read_double_quoted();
    if (peek() == '\'') return read_single_quoted();
    size_t end = text_.find('\n', pos_);
    std::string_view value = text_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
    for (size_t i = 1; i < value.size(); ++i) {  // " # comment"
      if (value[i] == '#' && is_blank(value[i - 1])) {
        value = value.substr(0, i);
        break;
      }
    }
    while (!value.empty() && (is_blank(value.back()) || value.back() == '\r')) {
      value.remove_suffix(1);
    }
    pos_ += value.size();
    return std::string(value);
  }

  std::optional<std::string> read_single_quoted() {
    size_t close = text_.find('\'', pos_ + 1);
    if (close == std::string_view::npos) return std::nullopt;  // unterminated: skip the line
    std::string value(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    return value;
  }

  std::optional<std::string> read_double_quoted() {
    std::string value;
    for (size_t i = pos_ + 1; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '"') {
        pos_ = i + 1;
        return value;
      }
      if (c == '\\' && i + 1 < text_.size()) {
        char next = text_[++i];
        switch (next) {
          case 'n':
            value += '\n';
            break;
          case 'r':
            value += '\r';
            break;
          case 't':
            value += '\t';
            break;
          case '"':
            value += '"';
            break;
          case '\\':
            value += '\\';
            break;
          default:
            value += '\\', value += next;
        }
        continue;
      }
      value += c;
    }
    return std::nullopt;  // unterminated: skip the line
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::map<std::string, std::string> parse_dotenv(std::string_view text) {
  return DotenvParser(text).parse();
}

}  // namespace sb::config
