#pragma once

#include <string>
#include <string_view>

namespace sb::config {

// Lower-case hex SHA-256 (FIPS 180-4) of `data`: the config hash GET /status reports.
std::string sha256_hex(std::string_view data);

}  // namespace sb::config
