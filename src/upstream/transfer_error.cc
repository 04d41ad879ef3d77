#include "upstream/transfer_error.h"

namespace sb::upstream {

std::string_view transfer_error_name(TransferError e) {
  switch (e) {
    case TransferError::kConnect:
      return "connect";
    case TransferError::kTimeout:
      return "timeout";
    case TransferError::kReset:
      return "reset";
    case TransferError::kCancelled:
      return "cancelled";
    case TransferError::kProtocol:
      return "protocol";
    case TransferError::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

namespace detail {

TransferError from_curl_code(CURLcode code, bool headers_received) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return TransferError::kConnect;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return headers_received ? TransferError::kReset : TransferError::kConnect;
    case CURLE_PARTIAL_FILE:
      return TransferError::kReset;
    case CURLE_OPERATION_TIMEDOUT:
      return TransferError::kTimeout;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_URL_MALFORMAT:
      return TransferError::kProtocol;
    case CURLE_FILESIZE_EXCEEDED:
      return TransferError::kTooLarge;
    case CURLE_ABORTED_BY_CALLBACK:
      return TransferError::kCancelled;
    default:
      return headers_received ? TransferError::kReset : TransferError::kConnect;
  }
}

}  // namespace detail
}  // namespace sb::upstream
