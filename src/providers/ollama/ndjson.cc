#include "providers/ollama/ndjson.h"

namespace sb::providers::ollama {

void NdjsonSplitter::emit(std::string_view line, const LineFn& on_line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  on_line(line);
}

std::expected<void, Error> NdjsonSplitter::fail() {
  error_ = make_error(ErrorCode::kUpstreamBadResponse,
                      "upstream stream line longer than " + std::to_string(max_line_) + " bytes");
  partial_.clear();
  return std::unexpected(*error_);
}

std::expected<void, Error> NdjsonSplitter::feed(std::string_view bytes, const LineFn& on_line) {
  if (error_) return std::unexpected(*error_);
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      if (partial_.size() + bytes.size() > max_line_) return fail();
      partial_.append(bytes);
      return {};
    }
    if (partial_.empty()) {
      if (nl > max_line_) return fail();
      emit(bytes.substr(0, nl), on_line);
    } else {
      if (partial_.size() + nl > max_line_) return fail();
      partial_.append(bytes.substr(0, nl));
      std::string line = std::move(partial_);
      partial_.clear();
      emit(line, on_line);
    }
    bytes.remove_prefix(nl + 1);
  }
  return {};
}

std::expected<void, Error> NdjsonSplitter::finish(const LineFn& on_line) {
  if (error_) return std::unexpected(*error_);
  if (!partial_.empty()) {
    std::string line = std::move(partial_);
    partial_.clear();
    emit(line, on_line);
  }
  return {};
}

}  // namespace sb::providers::ollama
