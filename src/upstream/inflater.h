#pragma once

// Internal: gzip / deflate content decoding for the native client (zlib), piece by piece, so a
// compressed event stream is still delivered as it arrives.

#include <zlib.h>

#include <string>
#include <string_view>

namespace sb::upstream::detail {

class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Decodes `in` and appends the output to `out`. False on corrupt input, and false with
  // `*over_limit` set when the output would pass `allowance` bytes.
  bool feed(std::string_view in, std::string& out, size_t allowance, bool* over_limit);

 private:
  z_stream z_{};
  bool initialized_ = false;
  bool ok_ = false;
  bool ended_ = false;
};

}  // namespace sb::upstream::detail
