#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

  // Value of a variable by the precedence above; nullopt when unset everywhere. An empty value
  // counts as unset (`OPENAI_API_KEY=` in a compose file). Secret files are only those read by
  // load() for `wanted`; the environment is read at call time.
  std::optional<std::string> lookup(const std::string& var) const;

  // Resolves `loc` (kDefault resolves `default_env`; "" when `default_env` is empty). Returns ""
  // for kNone. Messages name variables and files, never a value.
  // Errors: kCredentialUnavailable naming the variable or file; kMissingCredential for a
  // dynamic:: key absent from `dynamic`.
  std::expected<std::string, Error> resolve(const CredentialLocation& loc,
                                            const std::string& default_env,
                                            const boost::json::object& dynamic) const;

 private:
  void read_secret_files(const std::vector<CredentialLocation>& wanted);
  void read_credential_files(const std::vector<CredentialLocation>& wanted);
  std::expected<std::string, Error> resolve_variable(const std::string& var) const;
  std::expected<std::string, Error> resolve_file(const std::string& key) const;

  std::string secrets_dir_;
  std::map<std::string, std::string> secrets_;      // from secret files
  std::map<std::string, std::string> env_shared_;   // from env.shared
  std::map<std::string, std::string> env_local_;    // from .env.local
  std::map<std::string, std::string> path_files_;   // path:: and path_from_env:: contents
  std::map<std::string, std::string> path_errors_;  // same keys: why a file could not be read
};

// Parses "env::X", "path::F", "path_from_env::X", "dynamic::K", "none". The error message never
// repeats `text` (a key pasted there by mistake must not reach a log); at most the part before
// `::`, and a variable name.
std::expected<CredentialLocation, std::string> parse_credential_location(std::string_view text);

// Parses a dotenv file: KEY=VALUE lines, optional `export `, '...' (literal) and "..." (escapes
// \n \t \" \\; may span lines) values, # comments, blank lines; unquoted values lose trailing
// whitespace and a ` # comment`. A later KEY in the same text wins. Malformed lines are skipped.
std::map<std::string, std::string> parse_dotenv(std::string_view text);

// A portable environment variable name: letters, digits and _, not starting with a digit.
bool is_variable_name(std::string_view name);

}  // namespace sb::config
