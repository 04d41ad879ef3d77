#include "common/log_sink.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <spdlog/pattern_formatter.h>

namespace sb::log {

DeferredSink::DeferredSink(int fd, size_t max_pending, std::chrono::milliseconds batch)
    : fd_(fd),
      max_pending_(max_pending),
      batch_(batch),
      formatter_(std::make_unique<spdlog::pattern_formatter>()) {
  pending_.reserve(std::min<size_t>(max_pending, 64 << 10));
}

DeferredSink::~DeferredSink() {
  stop();
}

void DeferredSink::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopped_) return;
  // The writer takes no signals (main() waits for SIGTERM with sigwait, which needs every other
  // thread to block it); a thread inherits the mask of the thread that creates it.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void DeferredSink::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  if (!pending_.empty()) write_all(pending_);  // never started, or lines after the last turn
  pending_.clear();
  stopped_ = true;
}

void DeferredSink::log(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t line;
  std::unique_lock lock(mutex_);
  formatter_->format(msg, line);
  if (stopped_) {
    write_all(std::string_view(line.data(), line.size()));
    return;
  }
  if (pending_.size() + line.size() > max_pending_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  pending_.append(line.data(), line.size());
  bool wake = idle_;
  idle_ = false;
  if (msg.level >= spdlog::level::warn) {
    urgent_ = true;
    wake = true;
  }
  lock.unlock();
  if (wake) wake_.notify_one();
}

void DeferredSink::flush() {
  {
    std::lock_guard lock(mutex_);
    if (pending_.empty()) return;
    urgent_ = true;
  }
  wake_.notify_one();
}

void DeferredSink::set_pattern(const std::string& pattern) {
  set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern));
}

void DeferredSink::set_formatter(std::unique_ptr<spdlog::formatter> formatter) {
  std::lock_guard lock(mutex_);
  formatter_ = std::move(formatter);
}

void DeferredSink::run() {
  std::string writing;
  writing.reserve(pending_.capacity());
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty()) {
      if (stopping_) return;
      idle_ = true;
      wake_.wait(lock, [this] { return !idle_ || stopping_; });
      idle_ = false;
      continue;
    }
    // Lines are waiting: let more gather unless a warning or stop() wants them now.
    if (!urgent_ && !stopping_)
      wake_.wait_for(lock, batch_, [this] { return urgent_ || stopping_; });
    urgent_ = false;
    writing.swap(pending_);
    lock.unlock();
    write_all(writing);
    writing.clear();
    lock.lock();
  }
}

void DeferredSink::write_all(std::string_view block) {
  const char* p = block.data();
  size_t left = block.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n > 0) {
      p += n;
      left -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {  // a non-blocking stdout: wait until it drains
      pollfd pfd{.fd = fd_, .events = POLLOUT, .revents = 0};
      if (::poll(&pfd, 1, 1000) > 0) continue;
    }
    // The output is gone (closed pipe, full disk, stuck for a second): the rest of the block is
    // lost, and counted.
    dropped_.fetch_add(static_cast<size_t>(std::count(p, p + left, '\n')),
                       std::memory_order_relaxed);
    return;
  }
}

}  // namespace sb::log
