#pragma once

// Internal: how a finished curl transfer's CURLcode becomes a TransferError.

#include <curl/curl.h>

#include "upstream/client.h"

namespace sb::upstream::detail {

// `headers_received`: the final response's header block was complete before the failure, so a
// broken connection is a reset (body cut short) rather than a connect failure.
TransferError from_curl_code(CURLcode code, bool headers_received);

}  // namespace sb::upstream::detail
