#pragma once

// Coarse deadlines for one worker, without a timer per socket operation. Beast's tcp_stream arms
// and cancels a timer around every read and write (a timer-queue insert, often a timerfd_settime)
// even though nearly every deadline is cancelled long before it is due. Here a deadline is an
// entry in an intrusive list (two pointer writes to add, two to remove) and one timer per worker
// walks the list every `tick` and fires the entries that are due. So a deadline fires between 0
// and one tick late: right for timeouts of seconds, and for "watch this client if its request
// is still waiting after a moment".
//
// Single-threaded: a Sweep and its entries belong to one io_context thread.

#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

namespace sb::http {

class Sweep {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kDefaultTick{200};

  // A deadline. fire() runs once, on the sweep's thread, if the entry is still armed when it is
  // due; destroying or disarming the entry first means it never runs.
  class Entry : public boost::intrusive::list_base_hook<
                    boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
   public:
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    virtual ~Entry() = default;

    bool armed() const { return is_linked(); }
    void disarm() { unlink(); }

   protected:
    virtual void fire() = 0;

   private:
    friend class Sweep;
    Clock::time_point due_;
  };

  explicit Sweep(boost::asio::any_io_executor executor,
                 std::chrono::milliseconds tick = kDefaultTick);
  ~Sweep();
  Sweep(const Sweep&) = delete;
  Sweep& operator=(const Sweep&) = delete;

  // (Re)arms `entry` to fire once `after` has passed.
  void arm(Entry& entry, Clock::duration after);
  size_t armed() const { return entries_.size(); }

 private:
  void schedule();
  void run_due();

  using List = boost::intrusive::list<Entry, boost::intrusive::constant_time_size<false>>;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds tick_;
  List entries_;
  bool scheduled_ = false;
};

// The deadline of a read or write on `socket`: when it fires, the socket's pending operations
// are cancelled (the socket stays open, so a reply can still go out) and timed_out() says so.
class SocketDeadline final : public Sweep::Entry {
 public:
  explicit SocketDeadline(boost::asio::ip::tcp::socket& socket) : socket_(socket) {}
  bool timed_out() const { return timed_out_; }

 private:
  void fire() override {
    timed_out_ = true;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
  boost::asio::ip::tcp::socket& socket_;
  bool timed_out_ = false;
};

}  // namespace sb::http
