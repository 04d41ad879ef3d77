#include "upstream/multi_driver.h"

#include <chrono>
#include <stdexcept>

#include <boost/asio/post.hpp>

namespace sb::upstream::detail {

namespace asio = boost::asio;

std::shared_ptr<MultiDriver> MultiDriver::create(asio::io_context& io, DoneFn on_done) {
  auto driver = std::make_shared<MultiDriver>(io, std::move(on_done));
  // Callbacks are installed only once the object is owned by a shared_ptr: the handlers they
  // start hold weak_from_this().
  CURLM* m = driver->multi_;
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &MultiDriver::on_socket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, driver.get());
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &MultiDriver::on_timer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, driver.get());
  return driver;
}

MultiDriver::MultiDriver(asio::io_context& io, DoneFn on_done)
    : io_(io), on_done_(std::move(on_done)), multi_(curl_multi_init()), timer_(io) {
  if (multi_ == nullptr) throw std::runtime_error("upstream: curl_multi_init failed");
}

MultiDriver::~MultiDriver() {
  // No curl callback may reach this object from here on (curl_multi_cleanup closes the cached
  // connections and would report their sockets).
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, nullptr);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, nullptr);
  for (auto& [fd, watch] : watches_) forget(*watch);
  watches_.clear();
  timer_.cancel();
  curl_multi_cleanup(multi_);
}

int MultiDriver::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  static_cast<MultiDriver*>(self)->update_socket(fd, what);
  return 0;
}

int MultiDriver::on_timer(CURLM*, long timeout_ms, void* self) {
  static_cast<MultiDriver*>(self)->set_timer(timeout_ms);
  return 0;
}

void MultiDriver::update_socket(curl_socket_t fd, int what) {
  auto it = watches_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it != watches_.end()) {
      forget(*it->second);
      watches_.erase(it);
    }
    return;
  }
  std::shared_ptr<Watch> watch;
  if (it != watches_.end()) {
    watch = it->second;
  } else {
    watch = std::make_shared<Watch>(io_);
    watch->fd = fd;
    boost::system::error_code ec;
    watch->descriptor.assign(fd, ec);
    if (ec) {
      // Cannot watch this fd: tell curl it failed (asynchronously: curl must not be re-entered
      // from its own callback) so the transfer ends now rather than at its total timeout.
      asio::post(io_, [weak = weak_from_this(), fd] {
        if (auto self = weak.lock()) self->action(fd, CURL_CSELECT_ERR);
      });
      return;
    }
    watches_.emplace(fd, watch);
  }
  watch->want = what;
  arm(watch);
}

void MultiDriver::forget(Watch& watch) {
  watch.removed = true;
  watch.want = 0;
  if (watch.descriptor.is_open()) watch.descriptor.release();  // curl closes the fd, not Asio
}

void MultiDriver::arm(const std::shared_ptr<Watch>& watch) {
  using Wait = asio::posix::descriptor_base::wait_type;
  auto start = [&](int direction, Wait wait, bool& pending) {
    if ((watch->want & direction) == 0 || pending) return;
    pending = true;
    watch->descriptor.async_wait(
        wait, [weak = weak_from_this(), watch, direction](boost::system::error_code ec) {
          if (auto self = weak.lock()) {
            self->on_ready(watch, direction, ec);
          } else {
            (direction == CURL_POLL_IN ? watch->reading : watch->writing) = false;
          }
        });
  };
  start(CURL_POLL_IN, asio::posix::descriptor_base::wait_read, watch->reading);
  start(CURL_POLL_OUT, asio::posix::descriptor_base::wait_write, watch->writing);
}

void MultiDriver::on_ready(const std::shared_ptr<Watch>& watch, int direction,
                           boost::system::error_code ec) {
  (direction == CURL_POLL_IN ? watch->reading : watch->writing) = false;
  if (watch->removed || ec == asio::error::operation_aborted) return;
  if ((watch->want & direction) == 0) return;  // curl lost interest while this wait was queued
  int flags =
      ec ? CURL_CSELECT_ERR : (direction == CURL_POLL_IN ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
  action(watch->fd, flags);
  // Re-arm while curl still wants this direction. After a wait error curl has been told and
  // will close or re-register the socket; re-arming would spin on the same error.
  if (!watch->removed && !ec) arm(watch);
}

void MultiDriver::set_timer(long timeout_ms) {
  if (timeout_ms < 0) {
    if (timer_armed_) timer_.cancel();
    timer_armed_ = false;
    return;
  }
  // 0 means "as soon as possible": never call back into curl from its own callback. A post is
  // enough for that, and spares the timerfd re-arm that dominated the profile (curl asks for 0 on
  // every curl_multi_add_handle). An older armed timer may still fire: curl treats an extra
  // timeout action as a no-op.
  if (timeout_ms == 0) {
    if (zero_posted_) return;
    zero_posted_ = true;
    asio::post(io_, [weak = weak_from_this()] {
      if (auto self = weak.lock()) {
        self->zero_posted_ = false;
        self->action(CURL_SOCKET_TIMEOUT, 0);
      }
    });
    return;
  }
  auto deadline = Timer::clock_type::now() + std::chrono::milliseconds(timeout_ms);
  // Re-arming costs a system call; a deadline within a millisecond of the armed one is the same.
  if (timer_armed_ && std::chrono::abs(deadline - timer_.expiry()) < std::chrono::milliseconds(1)) {
    return;
  }
  timer_armed_ = true;
  timer_.expires_at(deadline);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->timer_armed_ = false;
      self->action(CURL_SOCKET_TIMEOUT, 0);
    }
  });
}

void MultiDriver::action(curl_socket_t fd, int flags) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, flags, &running);
  drain_done();
}

void MultiDriver::drain_done() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;  // copied out: removing the handle invalidates msg
    CURLcode result = msg->data.result;
    on_done_(easy, result);
  }
}

}  // namespace sb::upstream::detail
