// Writing replies, with the timing and stream faults the directives ask for.

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "connection.h"

namespace sb::mock {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto kUse = net::as_tuple(net::use_awaitable);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kStallLimit = std::chrono::seconds(120);
constexpr std::size_t kFlushThreshold = std::size_t{64} * 1024;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr std::size_t kMaxBufferedWhileWaiting = std::size_t{1} << 20;
constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

// Index of the frame before which a fault "after n content frames" fires: the (n+1)-th content
// frame, or just after the last content frame when there are fewer, or (no content at all) the
// first frame past the prelude.
std::size_t position_after_content(const std::vector<Frame>& frames, int n) {
  int seen = 0;
  std::size_t after_last = kNever;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].role != FrameRole::kContent) continue;
    if (seen == n) return i;
    ++seen;
    after_last = i + 1;
  }
  if (after_last != kNever) return after_last;
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (frames[i].role != FrameRole::kPrelude) return i;
  return frames.size();
}

std::size_t fault_position(const std::vector<Frame>& frames, int n) {
  return n < 0 ? kNever : position_after_content(frames, n);
}

void append_chunk(std::string& out, std::string_view data, bool chunked) {
  if (data.empty()) return;  // an empty chunk would end the body
  if (!chunked) {
    out += data;
    return;
  }
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out += size;
  out += data;
  out += "\r\n";
}

std::string stream_head(const Reply& r, bool chunked, bool keep_alive) {
  std::string h = "HTTP/1.1 200 OK\r\nContent-Type: ";
  h += r.content_type;
  h += "\r\n";
  for (const auto& [k, v] : r.headers) {
    h += k;
    h += ": ";
    h += v;
    h += "\r\n";
  }
  if (chunked) h += "Transfer-Encoding: chunked\r\n";
  if (!keep_alive) h += "Connection: close\r\n";
  h += "\r\n";
  return h;
}

net::awaitable<bool> flush(Connection& c, std::string& pending) {
  if (pending.empty()) co_return true;
  c.stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await net::async_write(c.stream, net::buffer(pending), kUse);
  pending.clear();
  co_return !ec;
}

net::awaitable<WriteResult> write_plain(Connection& c, Reply r, bool keep_alive, unsigned version) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(r.status);
  if (r.status == 529)
    res.reason("Overloaded");  // Anthropic's; Beast has no name for it
  else if (http::int_to_status(r.status) == http::status::unknown)
    res.reason("Mock Status");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  c.stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write(c.stream, res, kUse);
  co_return ec ? WriteResult::kClientClosed : WriteResult::kDone;
}

net::awaitable<WriteResult> write_stream(Connection& c, Reply r, const Directives& d,
                                         bool keep_alive, unsigned version) {
  bool chunked = version >= 11;
  keep_alive = keep_alive && chunked;
  std::vector<Frame> frames = std::move(r.frames);
  if (d.no_done)
    std::erase_if(frames, [](const Frame& f) { return f.role == FrameRole::kTerminal; });
  const std::size_t cut = fault_position(frames, d.cut_after);
  const std::size_t stall = fault_position(frames, d.stall_after);
  const std::size_t malformed = fault_position(frames, d.malformed_at);
  // Headers and prelude frames (role chunk, message_start, ping) go out at once; the wait for the
  // "first token" sits before the first content frame.
  const std::size_t first_token = fault_position(frames, d.delay_first_token_ms > 0 ? 0 : -1);

  std::string pending = stream_head(r, chunked, keep_alive);
  for (std::size_t i = 0; i <= frames.size(); ++i) {
    if (i == cut) {
      if (!co_await flush(c, pending)) co_return WriteResult::kClientClosed;
      close_connection(c);  // no terminal event and no final zero-size chunk
      co_return WriteResult::kCut;
    }
    if (i == stall) {
      if (!co_await flush(c, pending)) co_return WriteResult::kClientClosed;
      bool closed = co_await wait_or_peer_close(c, kStallLimit);
      co_return closed ? WriteResult::kClientClosed : WriteResult::kStalled;
    }
    if (i == frames.size()) break;
    int delay = i == first_token ? d.delay_first_token_ms : (i > 0 ? d.chunk_delay_ms : 0);
    if (delay > 0) {
      if (!co_await flush(c, pending)) co_return WriteResult::kClientClosed;
      if (co_await wait_or_peer_close(c, std::chrono::milliseconds(delay)))
        co_return WriteResult::kClientClosed;
    }
    if (i == malformed) append_chunk(pending, r.malformed_frame, chunked);
    append_chunk(pending, frames[i].bytes, chunked);
    if (pending.size() >= kFlushThreshold && !co_await flush(c, pending))
      co_return WriteResult::kClientClosed;
  }
  if (chunked) pending += "0\r\n\r\n";
  if (!co_await flush(c, pending)) co_return WriteResult::kClientClosed;
  if (!keep_alive) close_connection(c);
  co_return WriteResult::kDone;
}

}  // namespace

net::awaitable<bool> wait_or_peer_close(Connection& c, std::chrono::milliseconds duration) {
  using namespace net::experimental::awaitable_operators;
  net::steady_timer timer(c.stream.get_executor());
  timer.expires_after(duration);
  for (;;) {
    auto result = co_await (timer.async_wait(kUse) ||
                            c.stream.socket().async_read_some(c.buffer.prepare(kReadChunk), kUse));
    if (result.index() == 0) co_return false;
    auto [ec, n] = std::get<1>(result);
    if (ec) co_return true;
    c.buffer.commit(n);
    if (c.buffer.size() > kMaxBufferedWhileWaiting) c.buffer.consume(c.buffer.size());
  }
}

void reset_connection(Connection& c) {
  beast::error_code ec;
  auto& s = c.stream.socket();
  s.set_option(net::socket_base::linger(true, 0), ec);
  s.close(ec);
}

void close_connection(Connection& c) {
  beast::error_code ec;
  auto& s = c.stream.socket();
  s.shutdown(net::ip::tcp::socket::shutdown_send, ec);
  s.close(ec);
}

net::awaitable<WriteResult> write_reply(Connection& c, Reply reply, const Directives& d,
                                        bool keep_alive, unsigned http_version) {
  if (reply.streaming)
    co_return co_await write_stream(c, std::move(reply), d, keep_alive, http_version);
  co_return co_await write_plain(c, std::move(reply), keep_alive, http_version);
}

}  // namespace sb::mock
