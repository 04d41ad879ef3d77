#pragma once

// Incremental newline-delimited JSON framing: bytes may arrive split anywhere (inside a line, a
// "\r\n" pair or a multi-byte character); each complete line is handed out without its "\n" (and
// a trailing "\r"). finish() hands out a last line that had no newline. Blank lines are skipped.
// A line longer than the bound is an error, after which the splitter is spent.

#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace sb::providers::ollama {

class NdjsonSplitter {
 public:
  using LineFn = std::function<void(std::string_view line)>;

  explicit NdjsonSplitter(size_t max_line_bytes = 8u << 20) : max_line_(max_line_bytes) {}

  std::expected<void, Error> feed(std::string_view bytes, const LineFn& on_line);
  std::expected<void, Error> finish(const LineFn& on_line);

  size_t buffered() const { return partial_.size(); }

 private:
  void emit(std::string_view line, const LineFn& on_line);
  std::expected<void, Error> fail();

  size_t max_line_;
  std::string partial_;  // an unterminated line carried between feeds
  std::optional<Error> error_;
};

}  // namespace sb::providers::ollama
