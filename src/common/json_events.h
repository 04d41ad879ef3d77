#pragma once

// Plumbing shared by the handlers that read a few known JSON shapes straight from JSON events
// (the request and response fast paths, run by json_scan::scan): the events they ignore, giving
// up, and keeping a key. A handler derives from JsonEventHandler and defines the value events it
// reads (on_object_begin, on_key, on_string, on_int64, ..., as boost::json::basic_parser names
// them).

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include "common/json_scan.h"

namespace sb {

class JsonEventHandler {
 public:
  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }

 protected:
  // Stops the scan; the caller then decodes the body another way.
  static bool give_up(boost::json::error_code& ec) {
    ec = boost::json::error::extra_data;  // any error will do
    return false;
  }

  // A copy of `key`, valid until the next keep_key: the scanner's view of an escaped key lasts
  // only until the next string. Keys longer than the buffer read as "" (no shape these handlers
  // know has one).
  std::string_view keep_key(boost::json::string_view key) {
    if (key.size() > key_buffer_.size()) return {};
    std::copy(key.begin(), key.end(), key_buffer_.begin());
    return std::string_view(key_buffer_.data(), key.size());
  }

 private:
  std::array<char, 32> key_buffer_{};
};

}  // namespace sb
