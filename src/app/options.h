#pragma once

#include <expected>
#include <string>

#include "common/log.h"

namespace sb::app {

struct Options {
  std::string config_file;  // --config-file (else GATEWAY_CONFIG_PATH, ...)
  log::Format log_format = log::Format::kPretty;
  std::string log_level = "info";  // --log-level, else SWITCHBOARD_LOG, else RUST_LOG
  std::string bind_address;        // --bind-address overrides [gateway] bind_address
  std::string port_file;           // --port-file: write the bound port (for port 0)
  bool validate_only = false;
  bool show_version = false;
  bool show_help = false;
};

std::expected<Options, std::string> parse_options(int argc, char** argv);
const char* usage();

}  // namespace sb::app
