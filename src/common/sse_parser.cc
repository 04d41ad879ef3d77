#include "common/sse_parser.h"

#include <charconv>
#include <cstring>

namespace sb {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The first CR or LF. Two memchr scans: find_first_of would call memchr for every byte.
size_t line_end(std::string_view bytes) {
  const char* begin = bytes.data();
  const void* lf = std::memchr(begin, '\n', bytes.size());
  size_t limit = lf != nullptr ? static_cast<const char*>(lf) - begin : bytes.size();
  const void* cr = std::memchr(begin, '\r', limit);
  if (cr != nullptr) return static_cast<const char*>(cr) - begin;
  return lf != nullptr ? limit : std::string_view::npos;
}

}  // namespace

std::expected<void, Error> SseParser::fail(std::string message) {
  error_ = make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
  line_.clear();
  data_.clear();
  return std::unexpected(*error_);
}

std::expected<void, Error> SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (error_) return std::unexpected(*error_);
  if (skip_lf_ && !bytes.empty()) {
    skip_lf_ = false;
    if (bytes.front() == '\n') bytes.remove_prefix(1);
  }
  while (!bytes.empty()) {
    size_t end = line_end(bytes);
    size_t line_bytes = end == std::string_view::npos ? bytes.size() : end;
    if (line_.size() + line_bytes > options_.max_line_bytes) {
      return fail("event stream line longer than " + std::to_string(options_.max_line_bytes) +
                  " bytes");
    }
    if (end == std::string_view::npos) {
      line_.append(bytes);
      return {};
    }
    if (line_.empty()) {
      process_line(bytes.substr(0, end), out);  // common case: no copy
    } else {
      line_.append(bytes.substr(0, end));
      process_line(line_, out);
      line_.clear();
    }
    if (data_.size() > options_.max_event_bytes) {
      return fail("event stream event larger than " + std::to_string(options_.max_event_bytes) +
                  " bytes");
    }
    bool cr = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    if (cr) {
      if (bytes.empty()) {
        skip_lf_ = true;  // a '\n' may follow in the next feed
      } else if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
      }
    }
  }
  return {};
}

std::expected<void, Error> SseParser::finish(std::vector<SseEvent>& out) {
  if (error_) return std::unexpected(*error_);
  if (!line_.empty()) {
    process_line(line_, out);
    line_.clear();
  }
  dispatch(out);
  skip_lf_ = false;
  return {};
}

void SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
  if (first_line_) {
    first_line_ = false;
    if (line.starts_with(kBom)) line.remove_prefix(kBom.size());
  }
  if (line.empty()) {
    dispatch(out);
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alive)
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    process_field(line, {});
    return;
  }
  std::string_view value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  process_field(line.substr(0, colon), value);
}

void SseParser::process_field(std::string_view field, std::string_view value) {
  if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (field == "retry") {
    if (value.empty()) return;
    int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && ptr == value.data() + value.size() && value.front() != '-') {
      retry_ms_ = ms;
    }
  }
  // Any other field is ignored, as the specification requires.
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (data_.empty()) {
    event_.clear();  // an event without data lines is not dispatched
    return;
  }
  data_.pop_back();  // the trailing '\n'
  SseEvent& e = out.emplace_back();
  e.data = std::move(data_);
  e.event = std::move(event_);
  e.id = last_id_;
  data_.clear();
  event_.clear();
}

}  // namespace sb
