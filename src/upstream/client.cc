#include "upstream/client.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "upstream/multi_driver.h"
#include "upstream/transfer_error.h"
#include "upstream/transfer_state.h"

namespace sb::upstream {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("upstream: curl_global_init failed");
    }
  });
}

namespace detail {

namespace {

constexpr size_t kMaxIdleHandles = 32;
constexpr long kMaxCachedConnections = 256;

bool has_prefix_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f && c != ':' && c != '(' && c != ')' && c != ',' && c != '/' &&
           c != ';' && c != '<' && c != '>' && c != '=' && c != '?' && c != '@' && c != '[' &&
           c != '\\' && c != ']' && c != '{' && c != '}' && c != '"';
  });
}

bool is_header_value(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The request's headers as curl's list, plus our own: no `Expect: 100-continue`, and no
// form-urlencoded Content-Type that curl would otherwise invent for a body. Values may be
// secrets; they are never logged. nullopt when a header could inject protocol text.
std::optional<curl_slist*> build_header_list(const OutboundRequest& request) {
  curl_slist* list = nullptr;
  auto append = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) return false;
    list = next;
    return true;
  };
  bool ok = true;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name) || !is_header_value(value)) {
      ok = false;
      break;
    }
    // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
    ok = append(value.empty() ? name + ";" : name + ": " + value);
    if (!ok) break;
  }
  if (ok) ok = append("Expect:");
  if (ok && find_header(request.headers, "content-type") == nullptr) ok = append("Content-Type:");
  if (!ok) {
    curl_slist_free_all(list);
    return std::nullopt;
  }
  return list;
}

// Collects the first failing curl_easy_setopt.
struct Setter {
  CURL* easy;
  CURLcode result = CURLE_OK;
  template <class T>
  void operator()(CURLoption option, T value) {
    if (result == CURLE_OK) result = curl_easy_setopt(easy, option, value);
  }
};

void set_method(Setter& set, const std::string& method, const std::string& body) {
  if (method == "GET" && body.empty()) {
    set(CURLOPT_HTTPGET, 1L);
    return;
  }
  if (method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
    return;
  }
  if (method != "POST") set(CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || !body.empty()) {
    set(CURLOPT_POSTFIELDS, body.data());
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
}

}  // namespace

class ClientImpl final : public Client {
 public:
  explicit ClientImpl(boost::asio::io_context& io);
  ~ClientImpl() override;

  std::unique_ptr<Transfer> start(OutboundRequest request, const Options& options) override;
  size_t active() const override { return in_flight_.size(); }

  // Takes a transfer out of the multi at once and records `error` unless it already ended.
  void abort(TransferState& state, TransferError error);
  // Resumes a paused transfer once its reader drained the buffer. curl may deliver the held bytes
  // synchronously, through the write callback, before this returns.
  void resume(TransferState& state);

 private:
  struct ShareDeleter {
    void operator()(CURLSH* share) const { curl_share_cleanup(share); }
  };

  void on_done(CURL* easy, CURLcode result);
  void fail(TransferState& state, CURLcode result);
  void detach(TransferState& state);
  std::optional<std::string> configure(CURL* easy, TransferState& state, OutboundRequest& request,
                                       const Options& options);
  CURL* take_handle();
  void recycle(CURL* easy);

  boost::asio::io_context& io_;
  std::unique_ptr<CURLSH, ShareDeleter> share_;  // DNS cache and TLS sessions, per worker
  std::shared_ptr<MultiDriver> driver_;          // destroyed before share_
  std::vector<CURL*> idle_handles_;
  std::unordered_set<TransferState*> in_flight_;
};

class TransferImpl final : public Transfer {
 public:
  explicit TransferImpl(std::shared_ptr<TransferState> state) : state_(std::move(state)) {}
  ~TransferImpl() override { cancel(); }

  // The coroutines hold the shared state, never `this`: destroying the Transfer while one is
  // suspended completes it with kCancelled instead of resuming into a dead object.
  boost::asio::awaitable<std::expected<ResponseHead, TransferError>> head(
      Clock::time_point deadline) override {
    return head_impl(state_, deadline);
  }
  boost::asio::awaitable<std::expected<std::string, TransferError>> read(
      Clock::time_point deadline) override {
    return read_impl(state_, deadline);
  }
  boost::asio::awaitable<std::expected<std::string, TransferError>> read_all(
      Clock::time_point deadline) override {
    return read_all_impl(state_, deadline);
  }
  void cancel() override {
    if (state_->client != nullptr) state_->client->abort(*state_, TransferError::kCancelled);
  }
  std::string error_detail() const override { return state_->error_detail; }

 private:
  static std::string take_body(TransferState& state) {
    std::string out = std::move(state.body);
    state.body.clear();
    if (state.paused && state.client != nullptr) state.client->resume(state);
    return out;
  }

  static boost::asio::awaitable<std::expected<ResponseHead, TransferError>> head_impl(
      std::shared_ptr<TransferState> state, Clock::time_point deadline) {
    for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
      if (state->head_done) co_return state->head;
      if (state->error) co_return std::unexpected(*state->error);
      if (expired) co_return std::unexpected(TransferError::kTimeout);
    }
  }

  static boost::asio::awaitable<std::expected<std::string, TransferError>> read_impl(
      std::shared_ptr<TransferState> state, Clock::time_point deadline) {
    for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
      if (!state->body.empty()) co_return take_body(*state);
      if (state->error) co_return std::unexpected(*state->error);
      if (state->finished) co_return std::string();
      if (expired) co_return std::unexpected(TransferError::kTimeout);
    }
  }

  static boost::asio::awaitable<std::expected<std::string, TransferError>> read_all_impl(
      std::shared_ptr<TransferState> state, Clock::time_point deadline) {
    std::string all;
    for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
      while (!state->body.empty()) all += take_body(*state);  // resume() may refill at once
      if (state->error) co_return std::unexpected(*state->error);
      if (state->finished) co_return all;
      if (expired) co_return std::unexpected(TransferError::kTimeout);
    }
  }

  std::shared_ptr<TransferState> state_;
};

ClientImpl::ClientImpl(boost::asio::io_context& io)
    : io_(io),
      share_(curl_share_init()),
      driver_(
          MultiDriver::create(io, [this](CURL* easy, CURLcode result) { on_done(easy, result); })) {
  if (!share_) throw std::runtime_error("upstream: curl_share_init failed");
  // One worker thread uses the share: no lock callbacks needed.
  curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  CURLM* multi = driver_->handle();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);   // no per-host cap
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);  // no global cap
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
}

ClientImpl::~ClientImpl() {
  while (!in_flight_.empty()) abort(**in_flight_.begin(), TransferError::kCancelled);
  for (CURL* easy : idle_handles_) curl_easy_cleanup(easy);
  idle_handles_.clear();
  // Members: driver_ (curl_multi_cleanup) goes before share_, which no handle uses any more.
}

std::unique_ptr<Transfer> ClientImpl::start(OutboundRequest request, const Options& options) {
  auto state = std::make_shared<TransferState>(io_);
  state->max_response_bytes = options.max_response_bytes;
  auto failed = [&](TransferError error, std::string detail) {
    state->error = error;
    state->error_detail = std::move(detail);
    return std::make_unique<TransferImpl>(state);
  };
  CURL* easy = take_handle();
  if (easy == nullptr) return failed(TransferError::kConnect, "curl_easy_init failed");
  if (auto problem = configure(easy, *state, request, options)) {
    recycle(easy);
    return failed(TransferError::kProtocol, *problem);
  }
  if (CURLMcode rc = curl_multi_add_handle(driver_->handle(), easy); rc != CURLM_OK) {
    recycle(easy);
    return failed(TransferError::kConnect, curl_multi_strerror(rc));
  }
  state->easy = easy;
  state->client = this;
  in_flight_.insert(state.get());
  return std::make_unique<TransferImpl>(std::move(state));
}

std::optional<std::string> ClientImpl::configure(CURL* easy, TransferState& state,
                                                 OutboundRequest& request, const Options& options) {
  auto headers = build_header_list(request);
  if (!headers) return "request header name or value is not valid HTTP";
  state.request_headers = *headers;
  const std::string& method = request.method;
  if (!is_token(method)) return "request method is not a valid HTTP token";
  const bool https = has_prefix_icase(request.url, "https://");

  Setter set{easy};
  set(CURLOPT_PRIVATE, static_cast<void*>(&state));
  set(CURLOPT_SHARE, share_.get());
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TCP_NODELAY, 1L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can decode (gzip, deflate, br, zstd)
  set(CURLOPT_HTTP_VERSION, https ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  if (https) set(CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing on an HTTP/2 connection
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT reply is not the response
  set(CURLOPT_USERAGENT, "switchboard/" SWITCHBOARD_VERSION);  // a request header overrides it
  set(CURLOPT_HTTPHEADER, state.request_headers);
  set(CURLOPT_ERRORBUFFER, state.error_buffer);
  set(CURLOPT_HEADERFUNCTION, &TransferState::on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&state));
  set(CURLOPT_WRITEFUNCTION, &TransferState::on_write);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&state));
  // Proxies: CURLOPT_PROXY / CURLOPT_NOPROXY stay unset, so curl reads http_proxy, HTTPS_PROXY,
  // ALL_PROXY and NO_PROXY from the environment for each transfer.

  state.request_body = std::move(request.body);  // curl points into it while in flight
  set_method(set, method, state.request_body);
  if (set.result != CURLE_OK) return std::string("curl option: ") + curl_easy_strerror(set.result);
  return std::nullopt;
}

void ClientImpl::on_done(CURL* easy, CURLcode result) {
  char* private_data = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
  auto* state = reinterpret_cast<TransferState*>(private_data);
  if (state == nullptr || !in_flight_.contains(state)) {  // not ours: cannot happen, stay safe
    curl_multi_remove_handle(driver_->handle(), easy);
    curl_easy_cleanup(easy);
    return;
  }
  if (result != CURLE_OK) {
    fail(*state, result);
    return;
  }
  if (!state->head_done) state->header_line("\r\n");  // e.g. a response curl ended silently
  state->finished = true;
  detach(*state);
  state->wake();
}

void ClientImpl::fail(TransferState& state, CURLcode result) {
  if (!state.error && !state.finished) {
    state.error =
        state.too_large ? TransferError::kTooLarge : from_curl_code(result, state.head_done);
    state.error_detail = state.too_large ? "response body exceeds max_response_bytes"
                         : state.error_buffer[0] != '\0' ? std::string(state.error_buffer)
                                                         : std::string(curl_easy_strerror(result));
  }
  detach(state);
  state.wake();
}

void ClientImpl::abort(TransferState& state, TransferError error) {
  if (!state.error && !state.finished) {
    state.error = error;
    state.error_detail = std::string(transfer_error_name(error));
    state.body.clear();
  }
  detach(state);
  state.wake();
}

void ClientImpl::resume(TransferState& state) {
  if (!state.paused || state.easy == nullptr) return;
  state.paused = false;
  if (CURLcode rc = curl_easy_pause(state.easy, CURLPAUSE_CONT); rc != CURLE_OK) fail(state, rc);
}

void ClientImpl::detach(TransferState& state) {
  if (state.easy == nullptr) return;
  CURL* easy = state.easy;
  // Removing an unfinished HTTP/1.1 transfer closes its connection; after this call curl never
  // calls back with this state again.
  curl_multi_remove_handle(driver_->handle(), easy);
  state.easy = nullptr;
  state.client = nullptr;
  state.paused = false;
  in_flight_.erase(&state);
  recycle(easy);
}

CURL* ClientImpl::take_handle() {
  if (idle_handles_.empty()) return curl_easy_init();
  CURL* easy = idle_handles_.back();
  idle_handles_.pop_back();
  return easy;
}

void ClientImpl::recycle(CURL* easy) {
  if (idle_handles_.size() >= kMaxIdleHandles) {
    curl_easy_cleanup(easy);
    return;
  }
  curl_easy_reset(easy);
  idle_handles_.push_back(easy);
}

}  // namespace detail

std::unique_ptr<Client> Client::create(boost::asio::io_context& io) {
  global_init();
  return std::make_unique<detail::ClientImpl>(io);
}

}  // namespace sb::upstream
