#pragma once

// Internal to api/openai: the parts of a chat request too large to decode inline.

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "api/openai/decode_helpers.h"

namespace sb::api::openai::detail {

Status decode_messages(const boost::json::object& body, ChatRequest& request);
Status decode_tools(const boost::json::object& body, ChatRequest& request);
Status decode_tool_choice(const boost::json::object& body, ChatRequest& request);
Status decode_response_format(const boost::json::object& body, ChatRequest& request);

}  // namespace sb::api::openai::detail
