#pragma once

// Fault and response-shaping directives carried in the model string after the first ';'
// ("gpt-test;status=503;times=1") or in the `x-mock-fault` header (the header wins on conflict).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb::mock {

struct Directives {
  // Response shaping: always applied, never gated by `times`.
  std::optional<std::string> reply;  // the whole answer text
  int reply_words = 0;               // answer "w1 w2 ... wN"
  int chunks = 0;                    // stream the answer in N pieces instead of one per word
  bool tool_call = false;       // answer with a call to the first tool, if the request has tools
  bool reasoning = false;       // add reasoning / thinking output
  bool reject_prefill = false;  // 400 when the request ends with an assistant message

  // Faults: applied only to the first `times` requests of this exact model string + header.
  int status = 0;     // answer this HTTP status with the format's error body
  std::string error;  // context_length | content_filter | rate_limit
  std::string retry_after;
  std::string retry_after_ms;
  bool reset = false;  // RST right after reading the request
  bool hang = false;   // never answer
  int delay_headers_ms = 0;
  int delay_first_token_ms = 0;
  int chunk_delay_ms = 0;
  int cut_after = -1;     // -1: off
  int stall_after = -1;   // -1: off
  int malformed_at = -1;  // -1: off
  bool no_done = false;

  int times = 0;  // 0: every request

  bool has_fault() const;
  // True when the request must be answered with an error body (status= or error=).
  bool wants_error() const;
  void clear_faults();
};

struct ModelName {
  std::string name;        // before the first ';'
  std::string directives;  // after the first ';' (may be empty)
};

ModelName split_model(std::string_view full);

// Parses "k=v;k=v" from the model suffix and from the header; header keys override model keys.
Directives parse_directives(std::string_view from_model, std::string_view from_header);

// Counts requests per exact model string + fault header, for `times=N`. Thread-safe.
class TimesCounter {
 public:
  // Returns true while this key has been seen at most `limit` times (this call included).
  bool consume(const std::string& key, int limit);
  void reset();

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::uint64_t> counts_;
};

}  // namespace sb::mock
