#pragma once

// Everything a handler needs to answer in OpenAI Chat Completions shape: the response body, the
// streaming chunk encoder and the models list.

#include "api/openai/chunk_encoder.h"     // IWYU pragma: export
#include "api/openai/response_encoder.h"  // IWYU pragma: export
