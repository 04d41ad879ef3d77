#pragma once

// Client-facing OpenAI Chat Completions: request body -> canonical api::ChatRequest. Every
// rejection is a 400 naming the field at fault; fields this gateway does not know are ignored.

#include <expected>
#include <string_view>

#include <boost/json/value.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::api::openai {

inline constexpr int kMaxJsonDepth = 64;  // deeper request bodies are rejected

// Parses a request body with the gateway's depth bound into `sp` (default: the heap). Errors are
// kInvalidJson and say where (line, column, byte offset).
std::expected<boost::json::value, Error> parse_json_body(std::string_view body,
                                                         boost::json::storage_ptr sp = {});

// The common shape goes through decode_common_request (no DOM); the rest through the DOM.
std::expected<ChatRequest, Error> decode_chat_request(std::string_view body);
// The full decoder alone (tests compare the two paths).
std::expected<ChatRequest, Error> decode_chat_request_dom(std::string_view body);

}  // namespace sb::api::openai
