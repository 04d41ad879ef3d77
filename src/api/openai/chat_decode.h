#pragma once

// Everything a handler needs to decode an OpenAI Chat Completions request.

#include "api/openai/request_decoder.h"  // IWYU pragma: export
