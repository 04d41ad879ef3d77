#pragma once

// Internal: the native client's HTTP/1.1 response parser. Beast's basic_parser does the framing
// (status line, fields, Content-Length / chunked / close-delimited bodies); the callbacks here put
// the head and the (decoded) body bytes straight into the transfer's shared state.

#include <optional>
#include <string>

#include <boost/beast/http/basic_parser.hpp>

#include "upstream/inflater.h"
#include "upstream/transfer_state.h"

namespace sb::upstream::detail {

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  explicit ResponseParser(TransferState& state);

  // A 1xx (other than 101) was parsed: it is not the response; parse the next message.
  bool interim() const { return interim_; }
  // Why the last put() failed, for the operator (empty when Beast's message says enough).
  const std::string& problem() const { return problem_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code& ec) override;
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override;
  size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  size_t deliver(string_view body, error_code& ec);

  TransferState& state_;
  int status_ = 0;
  HeaderList headers_;
  bool interim_ = false;
  std::optional<Inflater> inflater_;
  std::string problem_;
};

}  // namespace sb::upstream::detail
