#include "app/options.h"

#include <cstdlib>
#include <string_view>

namespace sb::app {

const char* usage() {
  return "usage: switchboard [--config-file PATH] [--log-format pretty|json] [--log-level LEVEL]\n"
         "                   [--bind-address HOST:PORT] [--port-file PATH]\n"
         "                   [--validate-config] [--version] [--help]\n";
}

std::expected<Options, std::string> parse_options(int argc, char** argv) {
  Options o;
  // SWITCHBOARD_LOG, else RUST_LOG (TensorZero's), RUST_LOG-style values; --log-level wins.
  if (const char* lvl = std::getenv("SWITCHBOARD_LOG"); lvl && *lvl) {
    o.log_level = lvl;
  } else if (const char* rust = std::getenv("RUST_LOG"); rust && *rust) {
    o.log_level = rust;
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    std::string_view value;
    bool has_value = false;
    if (auto eq = a.find('='); a.starts_with("--") && eq != std::string_view::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    auto take = [&](std::string& out) -> bool {
      if (has_value) {
        out = value;
        return true;
      }
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    if (a == "--config-file") {
      if (!take(o.config_file)) return std::unexpected("--config-file needs a path");
    } else if (a == "--log-format") {
      std::string f;
      if (!take(f)) return std::unexpected("--log-format needs pretty or json");
      if (f == "json") {
        o.log_format = log::Format::kJson;
      } else if (f == "pretty") {
        o.log_format = log::Format::kPretty;
      } else {
        return std::unexpected("--log-format must be pretty or json, not '" + f + "'");
      }
    } else if (a == "--log-level") {
      if (!take(o.log_level)) return std::unexpected("--log-level needs a level");
      if (!log::parse_level(o.log_level)) {
        return std::unexpected("--log-level must be trace, debug, info, warn, error or off, not '" +
                               o.log_level + "'");
      }
    } else if (a == "--bind-address") {
      if (!take(o.bind_address)) return std::unexpected("--bind-address needs HOST:PORT");
    } else if (a == "--port-file") {
      if (!take(o.port_file)) return std::unexpected("--port-file needs a path");
    } else if (a == "--validate-config") {
      o.validate_only = true;
    } else if (a == "--version") {
      o.show_version = true;
    } else if (a == "--help" || a == "-h") {
      o.show_help = true;
    } else {
      return std::unexpected("unknown argument '" + std::string(a) + "'");
    }
  }
  return o;
}

}  // namespace sb::app
