#pragma once

#include <cstdint>
#include <string_view>

namespace sb::observability {

// CRC-32 (IEEE 802.3, the zlib one): crc32("123456789") == 0xCBF43926.
uint32_t crc32(std::string_view data, uint32_t crc = 0);

}  // namespace sb::observability
