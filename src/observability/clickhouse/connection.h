#pragma once

// One blocking HTTP connection to ClickHouse's HTTP interface (libcurl easy handle, kept alive).
// Used only from the recorder's own threads, one thread at a time per Connection.

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

#include "observability/clickhouse/url.h"

namespace sb::observability::clickhouse {

class Connection {
 public:
  explicit Connection(Url url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (for an INSERT: the statement, a newline, then the data). Returns the response
  // body; a non-200 answer is an error carrying ClickHouse's message. `settings` are extra URL
  // parameters ("a=1&b=2"). `database`: run in the URL's database (false: before it exists).
  std::expected<std::string, std::string> query(std::string_view sql,
                                                std::chrono::milliseconds timeout,
                                                std::string_view settings = {},
                                                bool database = true);
  // GET /ping: "Ok." when the server is up.
  std::expected<void, std::string> ping(std::chrono::milliseconds timeout);

 private:
  std::expected<std::string, std::string> perform(const std::string& url, std::string_view body,
                                                  bool post, std::chrono::milliseconds timeout);

  Url url_;
  void* easy_ = nullptr;  // CURL*
};

}  // namespace sb::observability::clickhouse
