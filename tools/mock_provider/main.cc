// switchboard-mock: a deterministic, fault-scriptable upstream speaking the OpenAI, Anthropic,
// Ollama and Gemini wire formats, for the gateway's integration tests and benchmarks.
// See docs/mock_provider.md.

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "server.h"

namespace {

constexpr std::string_view kUsage =
    "usage: switchboard-mock --port N [--host 127.0.0.1] [--threads N] [--port-file PATH]\n"
    "                        [--request-log N]\n"
    "  --port 0 picks a free port; the chosen port is printed as\n"
    "  \"listening on HOST:PORT\" and written to --port-file.\n"
    "  --request-log N keeps the last N requests for GET /_mock/requests (default 10000;\n"
    "  0 keeps none).\n";

struct Args {
  sb::mock::ServerOptions server;
  std::string port_file;
  bool port_given = false;
};

bool parse_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Returns an error message, or empty on success.
std::string parse_args(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return std::string(kUsage);
    if (i + 1 >= argc) return "missing value for " + std::string(flag);
    std::string_view value = argv[++i];
    int n = 0;
    if (flag == "--port") {
      if (!parse_int(value, n) || n < 0 || n > 65535) return "bad --port: " + std::string(value);
      args.server.port = static_cast<unsigned short>(n);
      args.port_given = true;
    } else if (flag == "--host") {
      args.server.host = value;
    } else if (flag == "--threads") {
      if (!parse_int(value, n) || n < 1 || n > 256) return "bad --threads: " + std::string(value);
      args.server.threads = n;
    } else if (flag == "--request-log") {
      if (!parse_int(value, n) || n < 0) return "bad --request-log: " + std::string(value);
      args.server.request_log = static_cast<std::size_t>(n);
    } else if (flag == "--port-file") {
      args.port_file = value;
    } else {
      return "unknown flag " + std::string(flag);
    }
  }
  if (!args.port_given) return "--port is required (0 picks a free port)";
  return {};
}

// Written to a temporary name and renamed, so a script polling for the file never reads it half.
bool write_port_file(const std::string& path, unsigned short port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << port << "\n";
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (std::string err = parse_args(argc, argv, args); !err.empty()) {
    std::cerr << err << (err == kUsage ? "" : "\n" + std::string(kUsage));
    return err == kUsage ? 0 : 2;
  }
  auto server = sb::mock::Server::create(args.server);
  if (!server) {
    std::cerr << "switchboard-mock: " << server.error().message << "\n";
    return 1;
  }
  unsigned short port = (*server)->port();
  if (!args.port_file.empty() && !write_port_file(args.port_file, port)) {
    std::cerr << "switchboard-mock: cannot write port file " << args.port_file << "\n";
    return 1;
  }
  std::printf("listening on %s:%u\n", args.server.host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);
  (*server)->run();
  return 0;
}
