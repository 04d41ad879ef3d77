#include "config/credentials.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace sb::config {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxCredentialFile = 1 << 20;  // a key or a service-account JSON

void trim_trailing_space(std::string& s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
}

// Reads a whole small file; the error is an operator's reason ("No such file or directory").
std::expected<std::string, std::string> read_small_file(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return std::unexpected(ec.message());
  if (size > kMaxCredentialFile) return std::unexpected("larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::unexpected("read error");
  return out.str();
}

// Missing files are normal (most deployments have one of the two); unreadable ones are logged.
void read_dotenv_files(const std::vector<std::string>& files,
                       std::map<std::string, std::string>& out) {
  for (const auto& file : files) {
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    auto text = read_small_file(file);
    if (!text) {
      spdlog::warn("cannot read {}: {}", file, text.error());
      continue;
    }
    for (auto& [key, value] : parse_dotenv(*text)) out.emplace(key, std::move(value));
  }
}

std::string location_key(const CredentialLocation& loc) {
  return (loc.kind == CredentialLocation::Kind::kPath ? "path::" : "path_from_env::") + loc.name;
}

Error unavailable(std::string message) {
  return make_error(ErrorCode::kCredentialUnavailable, std::move(message));
}

}  // namespace

std::expected<CredentialLocation, std::string> parse_credential_location(std::string_view text) {
  using Kind = CredentialLocation::Kind;
  if (text == "none") return CredentialLocation{.kind = Kind::kNone};
  if (text == "sdk") return std::unexpected("sdk credentials are not supported");
  struct Prefix {
    std::string_view text;
    Kind kind;
    bool variable;
  };
  for (auto [prefix, kind, variable] :
       {Prefix{"env::", Kind::kEnv, true}, Prefix{"path::", Kind::kPath, false},
        Prefix{"path_from_env::", Kind::kPathFromEnv, true},
        Prefix{"dynamic::", Kind::kDynamic, false}}) {
    if (!text.starts_with(prefix)) continue;
    std::string_view name = text.substr(prefix.size());
    if (name.empty()) return std::unexpected(std::string(prefix) + " needs a name after it");
    if (variable && !is_variable_name(name)) {
      return std::unexpected(std::string(prefix) + "'" + std::string(name) +
                             "': not an environment variable name (letters, digits, _)");
    }
    return CredentialLocation{.kind = kind, .name = std::string(name)};
  }
  const std::string expected =
      "expected env::VAR, path::FILE, path_from_env::VAR, dynamic::NAME or none";
  if (size_t sep = text.find("::"); sep != std::string_view::npos && sep <= 32) {
    return std::unexpected("unknown credential source '" + std::string(text.substr(0, sep)) +
                           "' (" + expected + ")");
  }
  return std::unexpected("not a credential location (" + expected +
                         "); the key itself never goes in the config file");
}

CredentialStore CredentialStore::load(const Options& options,
                                      const std::vector<CredentialLocation>& wanted) {
  CredentialStore store;
  store.secrets_dir_ = options.secrets_dir;
  read_dotenv_files(options.env_shared_files, store.env_shared_);
  read_dotenv_files(options.env_local_files, store.env_local_);
  store.read_secret_files(wanted);
  store.read_credential_files(wanted);  // path_from_env:: needs the variables above
  return store;
}

void CredentialStore::read_secret_files(const std::vector<CredentialLocation>& wanted) {
  using Kind = CredentialLocation::Kind;
  for (const auto& loc : wanted) {
    bool variable = loc.kind == Kind::kEnv || loc.kind == Kind::kPathFromEnv;
    if (!variable || !is_variable_name(loc.name) || secrets_.contains(loc.name)) continue;
    std::string file = (fs::path(secrets_dir_) / loc.name).string();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    if (auto value = read_small_file(file)) {
      trim_trailing_space(*value);
      secrets_.emplace(loc.name, std::move(*value));
    } else {
      spdlog::warn("cannot read secret file {}: {}", file, value.error());
    }
  }
}

void CredentialStore::read_credential_files(const std::vector<CredentialLocation>& wanted) {
  using Kind = CredentialLocation::Kind;
  for (const auto& loc : wanted) {
    if (loc.kind != Kind::kPath && loc.kind != Kind::kPathFromEnv) continue;
    std::string key = location_key(loc);
    std::string path = loc.name;
    // A variable's value is not repeated: it may be a key set where a path was expected.
    std::string what = "credential file " + path;
    if (loc.kind == Kind::kPathFromEnv) {
      auto from_env = lookup(loc.name);
      if (!from_env) {
        path_errors_[key] = "credential for provider is not set: environment variable " + loc.name +
                            " (naming the credential file) is not set";
        continue;
      }
      path = *from_env;
      what = "the credential file named by " + loc.name;
    }
    if (auto content = read_small_file(path)) {
      trim_trailing_space(*content);
      path_files_[key] = std::move(*content);
    } else {
      path_errors_[key] = what + " cannot be read: " + content.error();
    }
  }
}

CredentialStore::Options CredentialStore::default_options(const std::string& config_path) {
  Options options;
  if (const char* dir = std::getenv("SWITCHBOARD_SECRETS_DIR"); dir && *dir) {
    options.secrets_dir = dir;
  }
  fs::path config_dir = fs::path(config_path).parent_path();
  if (config_dir.empty()) config_dir = ".";
  std::error_code ec1, ec2;
  bool same = fs::weakly_canonical(config_dir, ec1) == fs::weakly_canonical(".", ec2);
  for (const char* name : {"env.shared", ".env.local"}) {
    auto& files =
        std::string_view(name) == "env.shared" ? options.env_shared_files : options.env_local_files;
    files.push_back((fs::path(".") / name).string());
    if (!same || ec1 || ec2) files.push_back((config_dir / name).string());
  }
  return options;
}

std::optional<std::string> CredentialStore::lookup(const std::string& var) const {
  auto non_empty = [](const std::map<std::string, std::string>& m,
                      const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    if (it == m.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  if (auto v = non_empty(secrets_, var)) return v;
  if (const char* env = std::getenv(var.c_str()); env && *env) return std::string(env);
  if (auto v = non_empty(env_shared_, var)) return v;
  return non_empty(env_local_, var);
}

std::expected<std::string, Error> CredentialStore::resolve_variable(const std::string& var) const {
  if (auto value = lookup(var)) return *value;
  std::string secret = (fs::path(secrets_dir_) / var).string();
  return std::unexpected(unavailable("credential for provider is not set: environment variable " +
                                     var + " (looked in " + secret +
                                     ", the environment, env.shared, .env.local)"));
}

std::expected<std::string, Error> CredentialStore::resolve_file(const std::string& key) const {
  if (auto it = path_files_.find(key); it != path_files_.end()) return it->second;
  if (auto it = path_errors_.find(key); it != path_errors_.end()) {
    return std::unexpected(unavailable(it->second));
  }
  return std::unexpected(unavailable("credential " + key + " was not loaded at startup"));
}

std::expected<std::string, Error> CredentialStore::resolve(
    const CredentialLocation& loc, const std::string& default_env,
    const boost::json::object& dynamic) const {
  using Kind = CredentialLocation::Kind;
  switch (loc.kind) {
    case Kind::kNone:
      return std::string();
    case Kind::kDefault:
      if (default_env.empty()) return std::string();
      return resolve_variable(default_env);
    case Kind::kEnv:
      return resolve_variable(loc.name);
    case Kind::kPath:
    case Kind::kPathFromEnv:
      return resolve_file(location_key(loc));
    case Kind::kDynamic: {
      const boost::json::value* v = dynamic.if_contains(loc.name);
      if (v && v->is_string() && !v->as_string().empty()) return std::string(v->as_string());
      if (v && !v->is_string()) {
        return std::unexpected(make_error(ErrorCode::kInvalidRequest,
                                          "dynamic credential '" + loc.name + "' must be a string",
                                          "tensorzero::credentials"));
      }
      return std::unexpected(make_error(
          ErrorCode::kMissingCredential,
          "missing dynamic credential '" + loc.name + "' (pass it in tensorzero::credentials)",
          "tensorzero::credentials"));
    }
  }
  return std::unexpected(unavailable("unknown credential location"));
}

}  // namespace sb::config
