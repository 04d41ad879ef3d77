#include "observability/clickhouse/connection.h"

#include <curl/curl.h>

namespace sb::observability::clickhouse {

namespace {

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// ClickHouse puts its message first: "Code: 60, e.displayText() = DB::Exception: ...".
std::string first_line(std::string_view body) {
  std::string_view line = body.substr(0, body.find('\n'));
  if (line.size() > 500) line = line.substr(0, 500);
  return std::string(line);
}

}  // namespace

Connection::Connection(Url url) : url_(std::move(url)), easy_(curl_easy_init()) {}

Connection::~Connection() {
  if (easy_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(easy_));
}

std::expected<std::string, std::string> Connection::perform(const std::string& url,
                                                            std::string_view body, bool post,
                                                            std::chrono::milliseconds timeout) {
  auto* easy = static_cast<CURL*>(easy_);
  if (easy == nullptr) return std::unexpected("libcurl could not create a handle");
  curl_easy_reset(easy);
  std::string response;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(1000, timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(easy, CURLOPT_USERNAME, url_.user.c_str());
  curl_easy_setopt(easy, CURLOPT_PASSWORD, url_.password.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (post) {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  CURLcode rc = curl_easy_perform(easy);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return std::unexpected(std::string(curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return std::unexpected("HTTP " + std::to_string(status) + ": " + first_line(response));
  }
  return response;
}

std::expected<std::string, std::string> Connection::query(std::string_view sql,
                                                          std::chrono::milliseconds timeout,
                                                          std::string_view settings,
                                                          bool database) {
  std::string url = url_.base + "/?";
  if (database) url += "database=" + url_.database + "&";
  if (!settings.empty()) url += std::string(settings) + "&";
  if (!url_.query.empty()) url += url_.query + "&";
  url.pop_back();
  return perform(url, sql, true, timeout);
}

std::expected<void, std::string> Connection::ping(std::chrono::milliseconds timeout) {
  auto body = perform(url_.base + "/ping", {}, false, timeout);
  if (!body) return std::unexpected(body.error());
  return {};
}

}  // namespace sb::observability::clickhouse
