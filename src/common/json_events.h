#pragma once

// Plumbing shared by the handlers that read a few known JSON shapes straight from
// boost::json::basic_parser's events (the request and response fast paths): the size limits,
// the events they ignore, keys copied out of the parser, strings joined from the pieces the
// parser hands over, and running a parser over a whole body. A handler derives from
// JsonEventHandler and defines the value events it reads.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/basic_parser_impl.hpp>

namespace sb {

class JsonEventHandler {
 public:
  static constexpr size_t max_object_size = size_t(-1);
  static constexpr size_t max_array_size = size_t(-1);
  static constexpr size_t max_key_size = size_t(-1);
  static constexpr size_t max_string_size = size_t(-1);

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 protected:
  // Stops the parse; the caller then decodes the body another way.
  static bool give_up(boost::json::error_code& ec) {
    ec = boost::json::error::extra_data;  // any error will do
    return false;
  }

  // Keys are copied: the parser may reuse the memory a key was in for the value that follows.
  // Keys longer than the buffer read as "" (no shape these handlers know has one).
  void append_key(boost::json::string_view piece) {
    if (key_length_ + piece.size() <= key_buffer_.size()) {
      std::copy(piece.begin(), piece.end(), key_buffer_.begin() + key_length_);
    }
    key_length_ += piece.size();
  }
  // The key gathered by append_key, valid until the next key starts; the next starts afresh.
  std::string_view take_key() {
    std::string_view key = key_length_ <= key_buffer_.size()
                               ? std::string_view(key_buffer_.data(), key_length_)
                               : std::string_view();
    key_length_ = 0;
    return key;
  }
  void drop_key() { key_length_ = 0; }

  void append_string_part(boost::json::string_view piece) {
    string_part_.append(piece.data(), piece.size());
  }
  // The whole string whose last piece is `last`, valid until clear_string().
  std::string_view whole_string(boost::json::string_view last) {
    if (string_part_.empty()) return std::string_view(last.data(), last.size());
    string_part_.append(last.data(), last.size());
    return string_part_;
  }
  void clear_string() { string_part_.clear(); }

 private:
  std::array<char, 32> key_buffer_{};
  size_t key_length_ = 0;
  std::string string_part_;
};

// Feeds all of `body` to `parser`; true when it ended as one complete JSON value that the
// handler did not give up on.
template <typename Handler>
bool parse_events(boost::json::basic_parser<Handler>& parser, std::string_view body) {
  boost::json::error_code ec;
  size_t n = parser.write_some(false, body.data(), body.size(), ec);
  return !ec && n == body.size();
}

}  // namespace sb
