#pragma once

// The shared lenient JSON field readers, under this family's names.

#include "providers/json_fields.h"

namespace sb::providers::gemini {

using json::array;
using json::integer;
using json::object;
using json::str;

}  // namespace sb::providers::gemini
