#pragma once

// One accepted TCP connection, and the timed / faulty ways of answering on it (faults.cc).

#include <chrono>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "directives.h"
#include "exchange.h"

namespace sb::mock {

struct Connection {
  explicit Connection(boost::asio::ip::tcp::socket s) : stream(std::move(s)) {}
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;  // bytes read past the current request stay here
};

enum class WriteResult {
  kDone,          // the whole response was written
  kClientClosed,  // a write failed, or the peer closed while we waited
  kCut,           // cut_after: we closed mid-stream
  kStalled,       // stall_after: gave up waiting for the client after the stall limit
};

// Waits `duration`, watching the socket. Returns true when the peer closed (or the socket
// failed) first. Bytes the peer sends meanwhile are kept in c.buffer.
boost::asio::awaitable<bool> wait_or_peer_close(Connection& c, std::chrono::milliseconds duration);

// Closes with SO_LINGER 0, so the peer sees a TCP RST.
void reset_connection(Connection& c);
// Orderly close (FIN).
void close_connection(Connection& c);

// Writes `reply`, applying the stream faults in `d` (delays, cut, stall, malformed, no_done).
// Streams use chunked transfer encoding on HTTP/1.1 (Connection: close on HTTP/1.0).
boost::asio::awaitable<WriteResult> write_reply(Connection& c, Reply reply, const Directives& d,
                                                bool keep_alive, unsigned http_version);

}  // namespace sb::mock
