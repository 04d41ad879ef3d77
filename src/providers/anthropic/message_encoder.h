#pragma once

// Canonical conversation -> Anthropic Messages `system` and `messages`.
//
// - system and developer messages, wherever they appear, become `system` (a string when there is
//   one text, else an array of text blocks);
// - user content: text, images (data: URI -> base64 source, http(s) URL -> url source), PDF files
//   sent as file_data (-> document blocks);
// - assistant turns: a thinking block first when the client sent back a reasoning_signature,
//   then text, then tool_use blocks (arguments parsed into `input`);
// - tool messages become tool_result blocks in a user turn; consecutive turns of one role are
//   merged (all results of a parallel call land in one user turn, before any user text);
// - empty text blocks are dropped (Anthropic rejects them); a turn holding a single text block
//   is sent as a plain string.

#include <expected>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::anthropic {

struct EncodedConversation {
  boost::json::value system;  // null when there is no system text
  boost::json::array messages;
};

// kInvalidRequest naming the message (and part) for content Anthropic cannot take: audio,
// non-PDF files, images that are neither URLs nor base64 data URIs, non-text system content,
// tool arguments that are not a JSON object.
std::expected<EncodedConversation, Error> encode_conversation(
    const std::vector<api::Message>& messages);

}  // namespace sb::providers::anthropic
