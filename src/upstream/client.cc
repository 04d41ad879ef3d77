#include "upstream/client.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "upstream/curl_client.h"
#include "upstream/native_client.h"
#include "upstream/plain_url.h"

namespace sb::upstream {

namespace {

bool set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0';
}

// The variables curl would take a proxy for an http:// URL from (it ignores upper-case
// HTTP_PROXY for http, a CGI safeguard). When one is set, curl carries plain HTTP too, and applies
// NO_PROXY itself.
bool http_proxy_configured() {
  return set("http_proxy") || set("all_proxy") || set("ALL_PROXY");
}

// Plain http:// without a proxy goes to the native HTTP/1.1 client; everything else to curl.
// The proxy variables are read once, when the client is made (a worker's client lives as long
// as the process).
class DispatchClient final : public Client {
 public:
  DispatchClient(boost::asio::io_context& io, bool native)
      : curl_(io), native_(io), use_native_(native && !http_proxy_configured()) {}

  std::unique_ptr<Transfer> start(OutboundRequest request, const Options& options) override {
    if (use_native_) {
      if (auto url = plain_url(request.url)) {
        return native_.start(std::move(url), std::move(request), options);
      }
    }
    return curl_.start(std::move(request), options);
  }
  size_t active() const override { return curl_.active() + native_.active(); }

 private:
  // A gateway calls the few URLs its configuration names, over and over: each is parsed once.
  // nullptr when the native client does not take the URL.
  std::shared_ptr<const detail::PlainUrl> plain_url(const std::string& url) {
    auto it = parsed_.find(url);
    if (it == parsed_.end()) {
      if (parsed_.size() >= kMaxParsed) parsed_.clear();  // URLs built from requests: stay bounded
      auto parsed = detail::parse_plain_url(url);
      it = parsed_
               .emplace(url, parsed ? std::make_shared<const detail::PlainUrl>(std::move(*parsed))
                                    : nullptr)
               .first;
    }
    return it->second;
  }

  static constexpr size_t kMaxParsed = 256;
  // Destroyed in reverse: the native client's transfers are cancelled before curl's.
  detail::CurlClient curl_;
  detail::NativeClient native_;
  bool use_native_;
  std::unordered_map<std::string, std::shared_ptr<const detail::PlainUrl>> parsed_;
};

}  // namespace

std::unique_ptr<Client> Client::create(boost::asio::io_context& io, Engine engine) {
  global_init();
  bool native = engine == Engine::kAuto;
  if (const char* forced = std::getenv("SWITCHBOARD_UPSTREAM_CLIENT");
      forced != nullptr && std::strcmp(forced, "curl") == 0) {
    native = false;
  }
  return std::make_unique<DispatchClient>(io, native);
}

}  // namespace sb::upstream
