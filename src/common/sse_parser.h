#pragma once

// Incremental Server-Sent Events parser (WHATWG HTML "event stream interpretation"). Bytes may
// arrive split anywhere, including inside a "\r\n" pair or a multi-byte character. Events are
// dispatched on a blank line; an event still open when the stream ends is only dispatched by
// finish(). Input is bounded: a partial line or one event's data beyond the limits is an error.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sb {

struct SseEvent {
  std::string event;  // the `event:` field; "" means the default type ("message")
  std::string data;   // `data:` lines joined by "\n"
  std::string id;     // the last event id in effect when this event was dispatched
};

struct SseOptions {
  size_t max_line_bytes = 8u << 20;   // one line not yet terminated
  size_t max_event_bytes = 8u << 20;  // one event's accumulated data
};

class SseParser {
 public:
  explicit SseParser(SseOptions options = {}) : options_(options) {}

  // Consumes `bytes` and appends every event completed by them. On error (a bound exceeded) the
  // parser is spent: further calls return the same error.
  std::expected<void, Error> feed(std::string_view bytes, std::vector<SseEvent>& out);
  // End of stream: a final line without terminator is processed and a pending event dispatched.
  std::expected<void, Error> finish(std::vector<SseEvent>& out);

  size_t buffered() const { return line_.size() + data_.size(); }  // bytes held back
  const std::string& last_event_id() const { return last_id_; }
  std::optional<int64_t> retry_ms() const { return retry_ms_; }  // last valid `retry:` field

 private:
  void process_line(std::string_view line, std::vector<SseEvent>& out);
  void process_field(std::string_view field, std::string_view value);
  void dispatch(std::vector<SseEvent>& out);
  std::expected<void, Error> fail(std::string message);

  SseOptions options_;
  std::string line_;     // partial line carried between feeds
  std::string data_;     // data buffer of the event being built (each line + '\n')
  std::string event_;    // event type buffer
  std::string last_id_;  // last event id buffer
  std::optional<int64_t> retry_ms_;
  bool skip_lf_ = false;    // the previous feed ended in '\r': a leading '\n' belongs to it
  bool first_line_ = true;  // a UTF-8 BOM is stripped from the first line only
  std::optional<Error> error_;
};

}  // namespace sb
