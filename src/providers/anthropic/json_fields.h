#pragma once

// The shared lenient JSON field readers, under this family's names.

#include "providers/json_fields.h"

namespace sb::providers::anthropic {

using json::array;
using json::integer;
using json::object;
using json::str;

}  // namespace sb::providers::anthropic
