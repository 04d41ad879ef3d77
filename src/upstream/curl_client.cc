#include "upstream/curl_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "upstream/multi_driver.h"
#include "upstream/request_checks.h"
#include "upstream/transfer_error.h"
#include "upstream/transfer_handle.h"
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
    // The framing is curl's: it sends the one Content-Length of the body it has.
    if (strcasecmp(name.c_str(), "content-length") == 0 ||
        strcasecmp(name.c_str(), "transfer-encoding") == 0) {
      continue;
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

CurlClient::CurlClient(boost::asio::io_context& io)
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

CurlClient::~CurlClient() {
  while (!in_flight_.empty()) abort(**in_flight_.begin(), TransferError::kCancelled);
  for (CURL* easy : idle_handles_) curl_easy_cleanup(easy);
  idle_handles_.clear();
  // Members: driver_ (curl_multi_cleanup) goes before share_, which no handle uses any more.
}

std::unique_ptr<Transfer> CurlClient::start(OutboundRequest request, const Options& options) {
  auto state = std::make_shared<TransferState>(io_);
  state->max_response_bytes = options.max_response_bytes;
  auto failed = [&](TransferError error, std::string detail) {
    return failed_transfer(io_, error, std::move(detail));
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
  state->owner = this;
  in_flight_.insert(state.get());
  return std::make_unique<TransferHandle>(std::move(state));
}

std::optional<std::string> CurlClient::configure(CURL* easy, TransferState& state,
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

void CurlClient::on_done(CURL* easy, CURLcode result) {
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

void CurlClient::fail(TransferState& state, CURLcode result) {
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

void CurlClient::abort(TransferState& state, TransferError error) {
  if (!state.error && !state.finished) {
    state.error = error;
    state.error_detail = std::string(transfer_error_name(error));
    state.body.clear();
  }
  detach(state);
  state.wake();
}

void CurlClient::resume(TransferState& state) {
  if (!state.paused || state.easy == nullptr) return;
  state.paused = false;
  if (CURLcode rc = curl_easy_pause(state.easy, CURLPAUSE_CONT); rc != CURLE_OK) fail(state, rc);
}

void CurlClient::detach(TransferState& state) {
  if (state.easy == nullptr) return;
  CURL* easy = state.easy;
  // Removing an unfinished HTTP/1.1 transfer closes its connection; after this call curl never
  // calls back with this state again.
  curl_multi_remove_handle(driver_->handle(), easy);
  state.easy = nullptr;
  state.owner = nullptr;
  state.paused = false;
  in_flight_.erase(&state);
  recycle(easy);
}

CURL* CurlClient::take_handle() {
  if (idle_handles_.empty()) return curl_easy_init();
  CURL* easy = idle_handles_.back();
  idle_handles_.pop_back();
  return easy;
}

void CurlClient::recycle(CURL* easy) {
  if (idle_handles_.size() >= kMaxIdleHandles) {
    curl_easy_cleanup(easy);
    return;
  }
  curl_easy_reset(easy);
  idle_handles_.push_back(easy);
}

}  // namespace detail

}  // namespace sb::upstream
