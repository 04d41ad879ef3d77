#include "upstream/inflater.h"

namespace sb::upstream::detail {

Inflater::Inflater() {
  // 15 + 32: a zlib or a gzip header, detected from the first bytes ("deflate" is zlib-wrapped).
  initialized_ = inflateInit2(&z_, 15 + 32) == Z_OK;
  ok_ = initialized_;
}

Inflater::~Inflater() {
  if (initialized_) inflateEnd(&z_);
}

bool Inflater::feed(std::string_view in, std::string& out, size_t allowance, bool* over_limit) {
  *over_limit = false;
  if (!ok_) return false;
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z_.avail_in = static_cast<uInt>(in.size());
  while (z_.avail_in > 0 && !ended_) {
    char chunk[16384];
    z_.next_out = reinterpret_cast<Bytef*>(chunk);
    z_.avail_out = sizeof chunk;
    int rc = inflate(&z_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      ok_ = false;
      return false;
    }
    size_t produced = sizeof chunk - z_.avail_out;
    if (produced > allowance) {
      *over_limit = true;
      return false;
    }
    allowance -= produced;
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) ended_ = true;  // bytes after the stream's end are ignored
    if (rc == Z_BUF_ERROR && produced == 0) break;
  }
  return true;
}

}  // namespace sb::upstream::detail
