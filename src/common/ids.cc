#include "common/ids.h"

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>

namespace sb::ids {

namespace {

// xoshiro256** per thread, seeded from the OS once: ids need uniqueness, not secrecy, and a
// Mersenne Twister plus a string built byte by byte cost a thousand instructions an id.
struct Rng {
  uint64_t s[4];
  Rng() {
    std::random_device dev;
    for (auto& word : s) word = (static_cast<uint64_t>(dev()) << 32) ^ dev();
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t next() {
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

// "00" to "ff": one table read a byte.
struct HexPairs {
  char digits[256][2];
  constexpr HexPairs() : digits() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      digits[i][0] = kHex[i >> 4];
      digits[i][1] = kHex[i & 0x0f];
    }
  }
};
constexpr HexPairs kHexPairs;

Rng& rng() {
  thread_local Rng gen;
  return gen;
}

}  // namespace

std::string uuid_v7() {
  uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  uint64_t r1 = rng().next();
  uint64_t r2 = rng().next();
  unsigned char b[16];
#pragma GCC unroll 16
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (r1 & 0x0f));
  b[7] = static_cast<unsigned char>(r1 >> 8);
  b[8] = static_cast<unsigned char>(0x80 | ((r1 >> 16) & 0x3f));
#pragma GCC unroll 16
  for (int i = 9; i < 16; ++i) b[i] = static_cast<unsigned char>(r2 >> (8 * (i - 9)));
  // Where each byte's two digits go: the groups are bytes 0-3, 4-5, 6-7, 8-9 and 10-15, and the
  // dashes between them are already in place.
  static constexpr unsigned char kAt[16] = {0,  2,  4,  6,  9,  11, 14, 16,
                                            19, 21, 24, 26, 28, 30, 32, 34};
  std::string out(36, '-');
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) std::memcpy(out.data() + kAt[i], kHexPairs.digits[b[i]], 2);
  return out;
}

bool is_uuid_v7(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return s[14] == '7';
}

}  // namespace sb::ids
