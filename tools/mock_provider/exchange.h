#pragma once

// The format-independent shapes that pass between server.cc and the wire formats: what the
// request said, and what to answer. Formats never touch sockets; the server applies the faults.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace sb::mock {

struct Request {
  std::string path;
  std::string query;       // raw, without '?'
  std::string model_full;  // as sent, directives included
  std::string model;       // directives stripped
  bool stream = false;
  // Parsed JSON body, shared with the request log; never null (a null value when absent).
  std::shared_ptr<const boost::json::value> body;
  std::uint64_t id = 0;      // unique per process, for response ids
  std::int64_t created = 0;  // unix seconds
};

enum class FrameRole {
  kPrelude,     // before any output (message_start, the OpenAI role chunk, ...)
  kContent,     // carries generated output; counted by cut_after / stall_after / malformed_at
  kStructural,  // framing between or after content (content_block_stop, finish chunk, usage)
  kTerminal,    // the end marker that no_done drops ([DONE], message_stop, Ollama done:true)
};

struct Frame {
  FrameRole role;
  std::string bytes;  // exactly what goes on the wire inside one HTTP chunk
};

struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // when !streaming
  bool streaming = false;
  std::vector<Frame> frames;    // when streaming
  std::string malformed_frame;  // a syntactically broken frame, for malformed_at
};

enum class ErrorKind {
  kStatus,         // status=N
  kContextLength,  // error=context_length
  kContentFilter,  // error=content_filter
  kRateLimit,      // error=rate_limit
  kBadRequest,     // the mock could not parse the request
  kNotFound,       // unknown path
  kTooLarge,       // body over the limit
};

struct ErrorSpec {
  unsigned status = 500;
  ErrorKind kind = ErrorKind::kStatus;
  std::string message;  // empty: the format's default text
};

}  // namespace sb::mock
