#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/error.h"
#include "config/schema.h"

namespace sb::config {

// Resolves credential locations. Variables are looked up, highest precedence first, in:
// the Docker secret file <secrets_dir>/VAR, the process environment, `env.shared`, `.env.local`
// (spec §3.4). Files are read once, when the store is built, never on a request path.
class CredentialStore {
 public:
  struct Options {
    std::string secrets_dir = "/run/secrets";   // SWITCHBOARD_SECRETS_DIR overrides
    std::vector<std::string> env_shared_files;  // e.g. {"./env.shared", "<config dir>/env.shared"}
    std::vector<std::string> env_local_files;   // e.g. {"./.env.local", "<config dir>/.env.local"}
  };

  // Reads the dotenv files, the secret files of the env variables in `wanted`, and the files of
  // its path:: / path_from_env:: locations. The caller turns kDefault into the provider type's
  // default (kEnv) before passing it.
  static CredentialStore load(const Options& options,
                              const std::vector<CredentialLocation>& wanted);
  // Options for a config file at `config_path`: cwd first, then the config file's directory.
  static Options default_options(const std::string& config_path);

  // Value of a variable by the precedence above; nullopt when unset everywhere.
  std::optional<std::string> lookup(const std::string& var) const;

  // Resolves `loc` (kDefault resolves `default_env`). Returns "" for kNone.
  // Errors: kCredentialUnavailable naming the variable or file; kMissingCredential for a
  // dynamic:: key absent from `dynamic`.
  std::expected<std::string, Error> resolve(const CredentialLocation& loc,
                                            const std::string& default_env,
                                            const boost::json::object& dynamic) const;

 private:
  std::map<std::string, std::string> secrets_;     // from secret files
  std::map<std::string, std::string> env_shared_;  // from env.shared
  std::map<std::string, std::string> env_local_;   // from .env.local
  std::map<std::string, std::string> path_files_;  // path:: and path_from_env:: contents
};

// Parses "env::X", "path::F", "path_from_env::X", "dynamic::K", "none".
std::expected<CredentialLocation, std::string> parse_credential_location(std::string_view text);

}  // namespace sb::config
