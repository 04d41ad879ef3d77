#include "upstream/transfer_state.h"

#include <algorithm>
#include <charconv>
#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sb::upstream::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// "HTTP/1.1 200 OK", "HTTP/2 200" → 200; 0 when malformed.
int parse_status(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  std::string_view rest = trim(line.substr(space + 1));
  int status = 0;
  auto [end, ec] =
      std::from_chars(rest.data(), rest.data() + std::min<size_t>(rest.size(), 3), status);
  if (ec != std::errc() || end != rest.data() + 3) return 0;
  return status;
}

// Removes the waiter's timer from the list however the wait ends (also when the coroutine frame
// is destroyed while suspended, at io_context shutdown).
struct WaiterRegistration {
  WaiterRegistration(TransferState& s, boost::asio::steady_timer& t) : state(s), timer(&t) {
    state.waiters.push_back(timer);
  }
  ~WaiterRegistration() { std::erase(state.waiters, timer); }
  TransferState& state;
  boost::asio::steady_timer* timer;
};

}  // namespace

TransferState::~TransferState() {
  curl_slist_free_all(request_headers);
}

size_t TransferState::on_header(char* data, size_t size, size_t count, void* user) {
  static_cast<TransferState*>(user)->header_line(std::string_view(data, size * count));
  return size * count;
}

size_t TransferState::on_write(char* data, size_t size, size_t count, void* user) {
  return static_cast<TransferState*>(user)->body_bytes(data, size * count);
}

void TransferState::header_line(std::string_view line) {
  if (head_done) return;  // trailers of a chunked body
  std::string_view content = trim(line);
  if (content.empty()) {
    // End of a header block. 1xx (but 101) is interim: the real response follows.
    if (block_status >= 100 && block_status < 200 && block_status != 101) {
      block_status = 0;
      block_headers.clear();
      return;
    }
    end_head();
    return;
  }
  if (content.starts_with("HTTP/")) {
    block_status = parse_status(content);
    block_headers.clear();
    return;
  }
  if (line.front() == ' ' || line.front() == '\t') {  // obsolete line folding
    if (!block_headers.empty()) {
      block_headers.back().second.append(" ").append(content);
    }
    return;
  }
  size_t colon = content.find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  block_headers.emplace_back(std::string(trim(content.substr(0, colon))),
                             std::string(trim(content.substr(colon + 1))));
}

void TransferState::end_head() {
  head.status = block_status;
  if (head.status == 0 && easy != nullptr) {
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    head.status = static_cast<int>(code);
  }
  head.headers = std::move(block_headers);
  block_headers.clear();
  head_done = true;
  wake();
}

size_t TransferState::body_bytes(const char* data, size_t size) {
  if (!head_done) end_head();
  if (size == 0) return 0;
  if (body.size() >= kPauseThreshold) {
    paused = true;  // curl keeps these bytes and delivers them again after curl_easy_pause(CONT)
    return CURL_WRITEFUNC_PAUSE;
  }
  if (size > max_response_bytes - std::min(body_total, max_response_bytes)) {
    too_large = true;
    return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
  }
  body.append(data, size);
  body_total += size;
  wake();
  return size;
}

void TransferState::wake() {
  for (auto* timer : waiters) timer->cancel();
}

boost::asio::awaitable<bool> wait_for_change(std::shared_ptr<TransferState> state,
                                             Clock::time_point deadline) {
  if (Clock::now() >= deadline) co_return false;
  boost::asio::steady_timer timer(state->io, deadline);
  WaiterRegistration registration(*state, timer);
  auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  co_return ec == boost::asio::error::operation_aborted;
}

}  // namespace sb::upstream::detail
