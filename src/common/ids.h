#pragma once

#include <string>
#include <string_view>

namespace sb::ids {

// A random UUIDv7 (RFC 9562) in canonical text form. Thread-safe, lock-free.
std::string uuid_v7();
// True when `s` is a canonical UUID whose version nibble is 7.
bool is_uuid_v7(std::string_view s);

}  // namespace sb::ids
