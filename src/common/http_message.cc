#include "common/http_message.h"

#include <strings.h>

namespace sb {

const std::string* find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) {
      return &v;
    }
  }
  return nullptr;
}

}  // namespace sb
