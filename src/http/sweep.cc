#include "http/sweep.h"

namespace sb::http {

Sweep::Sweep(boost::asio::any_io_executor executor, std::chrono::milliseconds tick)
    : timer_(std::move(executor)), tick_(tick) {}

Sweep::~Sweep() {
  // Unlinks what is still armed, so an entry destroyed later (a coroutine frame torn down with the
  // io_context) does not touch this list.
  entries_.clear();
}

void Sweep::arm(Entry& entry, Clock::duration after) {
  entry.unlink();
  entry.due_ = Clock::now() + after;
  entries_.push_back(entry);
  if (!scheduled_) schedule();
}

void Sweep::schedule() {
  scheduled_ = true;
  timer_.expires_after(tick_);
  // Cancelled only by the destructor: the handler must not touch `this` then.
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    scheduled_ = false;
    run_due();
  });
}

void Sweep::run_due() {
  const auto now = Clock::now();
  // Due entries move to a list of their own first: firing one may disarm, destroy or re-arm
  // others (their hooks unlink themselves from whichever list holds them).
  List due;
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = *it;
    if (e.due_ > now) {
      ++it;
      continue;
    }
    it = entries_.erase(it);
    due.push_back(e);
  }
  while (!due.empty()) {
    Entry& e = due.front();
    due.pop_front();
    e.fire();
  }
  if (!entries_.empty() && !scheduled_) schedule();
}

}  // namespace sb::http
