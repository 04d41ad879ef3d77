#pragma once

// Internal: drives one CURLM from an io_context, the curl_multi_socket_action way.
//
// Socket ownership: curl owns every socket (it opens and closes them; that includes the threaded
// resolver's wake-up socketpair, which no CURLOPT_OPENSOCKETFUNCTION would see). Asio only watches:
// a watched fd is assign()ed to a posix::stream_descriptor and release()d — never closed — on
// CURL_POLL_REMOVE, which curl reports before it closes the fd (Curl_multi_closed). release()
// takes the fd out of epoll at once and aborts its waits, so a reused fd number starts from a fresh
// Watch, and a stale wait's handler sees `removed` and does nothing.

#include <curl/curl.h>

#include <functional>
#include <memory>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sb::upstream::detail {

class MultiDriver : public std::enable_shared_from_this<MultiDriver> {
 public:
  // Called for each finished transfer (CURLMSG_DONE), never from inside a curl callback; the
  // callee removes the easy handle from the multi.
  using DoneFn = std::function<void(CURL* easy, CURLcode result)>;

  // Throws std::runtime_error when curl cannot allocate the multi handle (startup only).
  static std::shared_ptr<MultiDriver> create(boost::asio::io_context& io, DoneFn on_done);

  MultiDriver(boost::asio::io_context& io, DoneFn on_done);  // use create()
  MultiDriver(const MultiDriver&) = delete;
  MultiDriver& operator=(const MultiDriver&) = delete;
  // Stops watching every fd and runs curl_multi_cleanup. Easy handles must be removed first.
  // Safe while the io_context is stopped: pending handlers hold only weak references.
  ~MultiDriver();

  CURLM* handle() const { return multi_; }
  size_t watched_sockets() const { return watches_.size(); }

 private:
  struct Watch {
    explicit Watch(boost::asio::io_context& io) : descriptor(io) {}
    boost::asio::posix::stream_descriptor descriptor;
    curl_socket_t fd = CURL_SOCKET_BAD;
    int want = 0;  // CURL_POLL_IN / _OUT / _INOUT
    bool reading = false;
    bool writing = false;
    bool removed = false;
  };

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  void update_socket(curl_socket_t fd, int what);
  void forget(Watch& watch);
  void arm(const std::shared_ptr<Watch>& watch);
  void on_ready(const std::shared_ptr<Watch>& watch, int direction, boost::system::error_code ec);
  void set_timer(long timeout_ms);
  void action(curl_socket_t fd, int flags);
  void drain_done();

  boost::asio::io_context& io_;
  DoneFn on_done_;
  CURLM* multi_ = nullptr;
  using Timer = boost::asio::steady_timer;
  Timer timer_;
  bool timer_armed_ = false;  // a wait on timer_ is pending for curl's current deadline
  bool zero_posted_ = false;  // an "as soon as possible" timeout action is queued
  std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> watches_;
};

}  // namespace sb::upstream::detail
