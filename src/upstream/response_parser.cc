#include "upstream/response_parser.h"

#include <strings.h>

#include <boost/beast/http/error.hpp>

namespace sb::upstream::detail {

namespace http = boost::beast::http;

ResponseParser::ResponseParser(TransferState& state) : state_(state) {
  eager(true);                           // parse into the body in the same put() as the header
  header_limit(64 * 1024);               // what curl accepts per header line, for the whole block
  body_limit(state.max_response_bytes);  // a larger Content-Length is refused at once
}

void ResponseParser::on_request_impl(http::verb, string_view, string_view, int, error_code& ec) {
  ec = http::error::bad_version;  // never called for a response parser
}

void ResponseParser::on_response_impl(int code, string_view, int, error_code&) {
  status_ = code;
  headers_.clear();
  headers_.reserve(16);  // room for a provider's usual head: no regrowth moving every pair
}

void ResponseParser::on_field_impl(http::field, string_view name, string_view value, error_code&) {
  headers_.emplace_back(std::string(name), std::string(value));
}

void ResponseParser::on_header_impl(error_code& ec) {
  if (status_ >= 100 && status_ < 200 && status_ != 101) {
    interim_ = true;
    return;
  }
  if (const std::string* coding = find_header(headers_, "content-encoding")) {
    if (strcasecmp(coding->c_str(), "gzip") == 0 || strcasecmp(coding->c_str(), "x-gzip") == 0 ||
        strcasecmp(coding->c_str(), "deflate") == 0) {
      inflater_.emplace();
    } else if (!coding->empty() && strcasecmp(coding->c_str(), "identity") != 0) {
      problem_ = "unsupported Content-Encoding: " + *coding;
      ec = http::error::bad_field;
      return;
    }
  }
  state_.head.status = status_;
  state_.head.headers = std::move(headers_);
  headers_.clear();
  state_.head_done = true;
  state_.wake();
}

void ResponseParser::on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) {}

size_t ResponseParser::on_body_impl(string_view body, error_code& ec) {
  return deliver(body, ec);
}

void ResponseParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  return deliver(body, ec);
}

void ResponseParser::on_finish_impl(error_code&) {}

size_t ResponseParser::deliver(string_view body, error_code& ec) {
  if (body.empty()) return 0;
  const size_t max = state_.max_response_bytes;
  const size_t allowance = max - std::min(state_.body_total, max);
  size_t before = state_.body.size();
  if (inflater_) {
    bool over = false;
    if (!inflater_->feed(std::string_view(body.data(), body.size()), state_.body, allowance,
                         &over)) {
      state_.too_large = over;
      if (!over) problem_ = "corrupt compressed body";
      ec = over ? http::error::body_limit : http::error::bad_chunk;
      return 0;
    }
  } else {
    if (body.size() > allowance) {
      state_.too_large = true;
      ec = http::error::body_limit;
      return 0;
    }
    state_.body.append(body.data(), body.size());
  }
  state_.body_total += state_.body.size() - before;
  if (state_.body.size() != before) state_.wake();
  return body.size();
}

}  // namespace sb::upstream::detail
