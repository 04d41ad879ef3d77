#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <spdlog/formatter.h>
#include <spdlog/sinks/sink.h>

namespace sb::log {

// A sink that never makes its caller wait on the output and rarely wakes anyone: a line is
// formatted on the caller's thread into a pending buffer, and a writer thread takes the whole
// buffer and writes it to the fd in one write(2). The writer is woken only by the first line
// after it went idle and by warnings; while lines keep coming it sleeps `batch` between
// writes, so a busy gateway costs one wake-up per batch, not one per request.
//
// When more than `max_pending` bytes wait (the fd cannot keep up), new lines are dropped and
// counted. Lines logged after stop() are written directly by the caller.
class DeferredSink final : public spdlog::sinks::sink {
 public:
  static constexpr size_t kDefaultMaxPending = 4 << 20;
  static constexpr std::chrono::milliseconds kDefaultBatch{5};

  explicit DeferredSink(int fd, size_t max_pending = kDefaultMaxPending,
                        std::chrono::milliseconds batch = kDefaultBatch);
  ~DeferredSink() override;

  // Starts the writer thread (with every signal blocked). Lines logged before are kept.
  void start();
  // Writes what is pending, then stops the writer thread. Idempotent.
  void stop();
  size_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  void log(const spdlog::details::log_msg& msg) override;
  // Asks the writer to write what is pending now; does not wait for it.
  void flush() override;
  void set_pattern(const std::string& pattern) override;
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override;

 private:
  void run();
  void write_all(std::string_view block);

  const int fd_;
  const size_t max_pending_;
  const std::chrono::milliseconds batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::unique_ptr<spdlog::formatter> formatter_;
  std::string pending_;
  bool idle_ = false;    // the writer waits for a line (a new line must wake it)
  bool urgent_ = false;  // a warning or flush() wants the pending lines out now
  bool stopping_ = false;
  bool stopped_ = false;  // the writer is gone: log() writes directly
  std::atomic<size_t> dropped_{0};
  std::thread thread_;
};

}  // namespace sb::log
