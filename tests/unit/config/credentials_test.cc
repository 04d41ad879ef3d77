#include "config/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sb::config {
namespace {

namespace fs = std::filesystem;
using Kind = CredentialLocation::Kind;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sb-credentials-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    std::string file = (fs::path(path_) / name).string();
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

CredentialLocation env(const std::string& var) {
  return {.kind = Kind::kEnv, .name = var};
}

const boost::json::object kNoDynamic;

// --- parse_credential_location -------------------------------------------------------------

TEST(CredentialLocationSyntax, ParsesEveryKind) {
  auto e = parse_credential_location("env::OPENAI_API_KEY");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, Kind::kEnv);
  EXPECT_EQ(e->name, "OPENAI_API_KEY");
  EXPECT_EQ(parse_credential_location("path::/run/keys/openai")->kind, Kind::kPath);
  EXPECT_EQ(parse_credential_location("path::/run/keys/openai")->name, "/run/keys/openai");
  EXPECT_EQ(parse_credential_location("path_from_env::GCP_CREDS")->kind, Kind::kPathFromEnv);
  EXPECT_EQ(parse_credential_location("dynamic::customer-key")->kind, Kind::kDynamic);
  EXPECT_EQ(parse_credential_location("dynamic::customer-key")->name, "customer-key");
  EXPECT_EQ(parse_credential_location("none")->kind, Kind::kNone);
}

TEST(CredentialLocationSyntax, RejectsSdkEmptyNamesAndBadVariables) {
  EXPECT_EQ(parse_credential_location("sdk").error(), "sdk credentials are not supported");
  EXPECT_FALSE(parse_credential_location("env::"));
  EXPECT_FALSE(parse_credential_location("path::"));
  EXPECT_FALSE(parse_credential_location("dynamic::"));
  EXPECT_FALSE(parse_credential_location("env::1ABC"));
  EXPECT_FALSE(parse_credential_location("env::../../etc/passwd"));
  EXPECT_FALSE(parse_credential_location("path_from_env::A-B"));
  EXPECT_FALSE(parse_credential_location("NONE"));
  EXPECT_FALSE(parse_credential_location(""));
  auto unknown = parse_credential_location("secret::X");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("unknown credential source 'secret'"), std::string::npos);
}

TEST(CredentialLocationSyntax, ALiteralKeyIsNeverEchoed) {
  auto r = parse_credential_location("sk-proj-abcdef0123456789");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().find("abcdef"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("not a credential location"), std::string::npos);
}

// --- precedence -----------------------------------------------------------------------------

TEST(CredentialStore, SecretFileBeatsEnvironmentBeatsEnvSharedBeatsEnvLocal) {
  const std::string var = "SB_TEST_PRECEDENCE_KEY";
  TempDir dir;
  dir.write(var, "from-secret\n");
  CredentialStore::Options options{
      .secrets_dir = dir.path(),
      .env_shared_files = {dir.write("env.shared", var + "=from-shared\n")},
      .env_local_files = {dir.write(".env.local", var + "=from-local\n")}};
  ScopedEnv process(var.c_str(), "from-env");

  auto store = CredentialStore::load(options, {env(var)});
  EXPECT_EQ(store.resolve(env(var), "", kNoDynamic).value(), "from-secret");

  fs::remove(dir.file(var));
  store = CredentialStore::load(options, {env(var)});
  EXPECT_EQ(store.resolve(env(var), "", kNoDynamic).value(), "from-env");

  ::unsetenv(var.c_str());
  EXPECT_EQ(store.resolve(env(var), "", kNoDynamic).value(), "from-shared");

  dir.write("env.shared", "OTHER=1\n");
  store = CredentialStore::load(options, {env(var)});
  EXPECT_EQ(store.resolve(env(var), "", kNoDynamic).value(), "from-local");
}

TEST(CredentialStore, UnsetVariableIsUnavailableAndTheMessageSaysWhereItLooked) {
  TempDir dir;
  CredentialStore::Options options{.secrets_dir = dir.path()};
  ScopedEnv unset("SB_TEST_MISSING_KEY", nullptr);
  auto store = CredentialStore::load(options, {env("SB_TEST_MISSING_KEY")});
  auto r = store.resolve(env("SB_TEST_MISSING_KEY"), "", kNoDynamic);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCredentialUnavailable);
  EXPECT_EQ(r.error().message,
            "credential for provider is not set: environment variable SB_TEST_MISSING_KEY "
            "(looked in " +
                dir.file("SB_TEST_MISSING_KEY") + ", the environment, env.shared, .env.local)");
}

TEST(CredentialStore, EmptyValueCountsAsUnsetAndFallsThrough) {
  TempDir dir;
  dir.write("SB_TEST_EMPTY_KEY", "\n");
  CredentialStore::Options options{
      .secrets_dir = dir.path(),
      .env_shared_files = {dir.write("env.shared", "SB_TEST_EMPTY_KEY=\n")},
      .env_local_files = {dir.write(".env.local", "SB_TEST_EMPTY_KEY=local-value\n")}};
  ScopedEnv process("SB_TEST_EMPTY_KEY", "");
  auto store = CredentialStore::load(options, {env("SB_TEST_EMPTY_KEY")});
  EXPECT_EQ(store.resolve(env("SB_TEST_EMPTY_KEY"), "", kNoDynamic).value(), "local-value");
}

TEST(CredentialStore, FirstDotenvFileWins) {
  TempDir cwd, config_dir;
  CredentialStore::Options options{
      .secrets_dir = cwd.file("no-secrets"),
      .env_shared_files = {
          cwd.write("env.shared", "SB_TEST_DOTENV_ORDER=cwd\n"),
          config_dir.write("env.shared", "SB_TEST_DOTENV_ORDER=config\nSB_TEST_ONLY_CFG=yes\n"),
          cwd.file("absent.env")}};
  ScopedEnv unset("SB_TEST_DOTENV_ORDER", nullptr);
  ScopedEnv unset2("SB_TEST_ONLY_CFG", nullptr);
  auto store = CredentialStore::load(options, {});
  EXPECT_EQ(store.lookup("SB_TEST_DOTENV_ORDER"), "cwd");
  EXPECT_EQ(store.lookup("SB_TEST_ONLY_CFG"), "yes");
}

TEST(CredentialStore, SecretFileIsTrimmedOfItsTrailingNewline) {
  TempDir dir;
  dir.write("SB_TEST_SECRET_NL", "s3cr3t\r\n");
  auto store = CredentialStore::load({.secrets_dir = dir.path()}, {env("SB_TEST_SECRET_NL")});
  EXPECT_EQ(store.lookup("SB_TEST_SECRET_NL"), "s3cr3t");
}

TEST(CredentialStore, DefaultLocationResolvesTheTypesVariableAndNoneIsEmpty) {
  ScopedEnv key("SB_TEST_DEFAULT_KEY", "default-value");
  auto store = CredentialStore::load({.secrets_dir = "/nonexistent"}, {});
  CredentialLocation def;
  EXPECT_EQ(store.resolve(def, "SB_TEST_DEFAULT_KEY", kNoDynamic).value(), "default-value");
  EXPECT_EQ(store.resolve(def, "", kNoDynamic).value(), "");
  EXPECT_EQ(store.resolve({.kind = Kind::kNone}, "SB_TEST_DEFAULT_KEY", kNoDynamic).value(), "");
}

// --- path:: and path_from_env:: -------------------------------------------------------------

TEST(CredentialStore, PathFileIsReadAtLoadNotAtResolve) {
  TempDir dir;
  std::string file = dir.write("openai.key", "key-from-file\n");
  CredentialLocation loc{.kind = Kind::kPath, .name = file};
  auto store = CredentialStore::load({.secrets_dir = dir.path()}, {loc});
  fs::remove(file);  // a request never touches the disk
  EXPECT_EQ(store.resolve(loc, "", kNoDynamic).value(), "key-from-file");
}

TEST(CredentialStore, UnreadablePathIsUnavailableNamingThePath) {
  TempDir dir;
  CredentialLocation loc{.kind = Kind::kPath, .name = dir.file("missing.key")};
  auto store = CredentialStore::load({.secrets_dir = dir.path()}, {loc});
  auto r = store.resolve(loc, "", kNoDynamic);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCredentialUnavailable);
  EXPECT_NE(r.error().message.find(dir.file("missing.key")), std::string::npos);

  CredentialLocation never_loaded{.kind = Kind::kPath, .name = "/elsewhere"};
  auto r2 = store.resolve(never_loaded, "", kNoDynamic);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::kCredentialUnavailable);
}

TEST(CredentialStore, PathFromEnvReadsTheFileTheVariableNames) {
  TempDir dir;
  std::string file = dir.write("gcp.json", "{\"type\":\"service_account\"}\n");
  ScopedEnv var("SB_TEST_GCP_PATH", file.c_str());
  CredentialLocation loc{.kind = Kind::kPathFromEnv, .name = "SB_TEST_GCP_PATH"};
  auto store = CredentialStore::load({.secrets_dir = dir.path()}, {loc});
  EXPECT_EQ(store.resolve(loc, "", kNoDynamic).value(), "{\"type\":\"service_account\"}");
}

TEST(CredentialStore, PathFromEnvWithUnsetVariableOrMissingFileIsUnavailable) {
  TempDir dir;
  CredentialLocation unset{.kind = Kind::kPathFromEnv, .name = "SB_TEST_UNSET_PATH"};
  CredentialLocation missing{.kind = Kind::kPathFromEnv, .name = "SB_TEST_MISSING_PATH"};
  ScopedEnv u("SB_TEST_UNSET_PATH", nullptr);
  ScopedEnv m("SB_TEST_MISSING_PATH", dir.file("nope.json").c_str());
  auto store = CredentialStore::load({.secrets_dir = dir.path()}, {unset, missing});
  auto a = store.resolve(unset, "", kNoDynamic);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::kCredentialUnavailable);
  EXPECT_NE(a.error().message.find("SB_TEST_UNSET_PATH"), std::string::npos);
  auto b = store.resolve(missing, "", kNoDynamic);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message,
            "the credential file named by SB_TEST_MISSING_PATH cannot be read: No such file or "
            "directory");
}

// --- dynamic:: ------------------------------------------------------------------------------

TEST(CredentialStore, DynamicCredentialComesFromTheRequest) {
  auto store = CredentialStore::load({.secrets_dir = "/nonexistent"}, {});
  CredentialLocation loc{.kind = Kind::kDynamic, .name = "customer_key"};
  boost::json::object creds{{"customer_key", "per-request-value"}};
  EXPECT_EQ(store.resolve(loc, "", creds).value(), "per-request-value");
}

TEST(CredentialStore, MissingDynamicCredentialIsA400ErrorNamingIt) {
  auto store = CredentialStore::load({.secrets_dir = "/nonexistent"}, {});
  CredentialLocation loc{.kind = Kind::kDynamic, .name = "customer_key"};
  boost::json::object other{{"other_key", "value-not-to-leak"}};
  auto r = store.resolve(loc, "", other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMissingCredential);
  EXPECT_EQ(r.error().message,
            "missing dynamic credential 'customer_key' (pass it in tensorzero::credentials)");
  EXPECT_EQ(to_http(r.error()).status, 400);

  boost::json::object wrong_type{{"customer_key", 42}};
  auto r2 = store.resolve(loc, "", wrong_type);
  ASSERT_FALSE(r2);
  EXPECT_EQ(to_http(r2.error()).status, 400);
}

TEST(CredentialStore, NoMessageEverContainsASecretValue) {
  TempDir dir;
  const std::string secret = "sk-VERY-SECRET-0123456789";
  dir.write("SB_TEST_PRESENT", secret + "\n");
  std::string path_from_env_target = dir.write("cred.json", secret);
  ScopedEnv a("SB_TEST_ABSENT", nullptr);
  ScopedEnv b("SB_TEST_PATHVAR", secret.c_str());  // a key where a path was expected
  CredentialStore::Options options{
      .secrets_dir = dir.path(),
      .env_shared_files = {dir.write("env.shared", "SB_TEST_OTHER=" + secret + "\n")}};
  std::vector<CredentialLocation> locations = {
      env("SB_TEST_PRESENT"),
      env("SB_TEST_ABSENT"),
      {.kind = Kind::kPathFromEnv, .name = "SB_TEST_PATHVAR"},
      {.kind = Kind::kPath, .name = dir.file("absent")},
      {.kind = Kind::kDynamic, .name = "k"}};
  auto store = CredentialStore::load(options, locations);
  boost::json::object dynamic{{"x", secret}};
  int errors = 0;
  for (const auto& loc : locations) {
    auto r = store.resolve(loc, "", dynamic);
    if (r) continue;
    ++errors;
    EXPECT_EQ(r.error().message.find("VERY-SECRET"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(errors, 4);
}

// --- default_options ------------------------------------------------------------------------

TEST(CredentialStoreOptions, CwdFirstThenConfigDirectoryAndSecretsDirFromEnvironment) {
  ScopedEnv secrets("SWITCHBOARD_SECRETS_DIR", "/custom/secrets");
  auto o = CredentialStore::default_options("/etc/switchboard/tensorzero.toml");
  EXPECT_EQ(o.secrets_dir, "/custom/secrets");
  EXPECT_EQ(o.env_shared_files,
            (std::vector<std::string>{"./env.shared", "/etc/switchboard/env.shared"}));
  EXPECT_EQ(o.env_local_files,
            (std::vector<std::string>{"./.env.local", "/etc/switchboard/.env.local"}));
}

TEST(CredentialStoreOptions, ConfigInCwdListsEachFileOnceAndSecretsDefaultToRunSecrets) {
  ScopedEnv secrets("SWITCHBOARD_SECRETS_DIR", nullptr);
  auto o = CredentialStore::default_options("tensorzero.toml");
  EXPECT_EQ(o.secrets_dir, "/run/secrets");
  EXPECT_EQ(o.env_shared_files, std::vector<std::string>{"./env.shared"});
  EXPECT_EQ(o.env_local_files, std::vector<std::string>{"./.env.local"});
}

// --- dotenv ---------------------------------------------------------------------------------

TEST(Dotenv, ParsesAssignmentsExportAndComments) {
  auto env = parse_dotenv(
      "# a comment\n"
      "\n"
      "PLAIN=value\n"
      "export EXPORTED=yes\n"
      "  SPACED  =  padded value   \n"
      "INLINE=abc # trailing comment\n"
      "HASH=http://host/#fragment\n"
      "EMPTY=\n"
      "ONLY_COMMENT= # nothing\n"
      "EQUALS=a=b=c\n");
  EXPECT_EQ(env.at("PLAIN"), "value");
  EXPECT_EQ(env.at("EXPORTED"), "yes");
  EXPECT_EQ(env.at("SPACED"), "padded value");
  EXPECT_EQ(env.at("INLINE"), "abc");
  EXPECT_EQ(env.at("HASH"), "http://host/#fragment");
  EXPECT_EQ(env.at("EMPTY"), "");
  EXPECT_EQ(env.at("ONLY_COMMENT"), "");
  EXPECT_EQ(env.at("EQUALS"), "a=b=c");
  EXPECT_EQ(env.size(), 8u);
}

TEST(Dotenv, QuotedValues) {
  auto env = parse_dotenv(
      "SINGLE='literal \\n # kept'\n"
      "DOUBLE=\"tab\\there \\\"quoted\\\" back\\\\slash\"  # comment\n"
      "MULTI=\"line one\n"
      "line two\"\n"
      "AFTER=ok\n");
  EXPECT_EQ(env.at("SINGLE"), "literal \\n # kept");
  EXPECT_EQ(env.at("DOUBLE"), "tab\there \"quoted\" back\\slash");
  EXPECT_EQ(env.at("MULTI"), "line one\nline two");
  EXPECT_EQ(env.at("AFTER"), "ok");
}

TEST(Dotenv, CrlfTrailingWhitespaceAndLaterDuplicateWins) {
  auto env = parse_dotenv("A=1\r\nB=two  \t\r\nA=3\r\n");
  EXPECT_EQ(env.at("A"), "3");
  EXPECT_EQ(env.at("B"), "two");
}

TEST(Dotenv, MalformedLinesAreSkippedWithoutLosingTheRest) {
  auto env = parse_dotenv(
      "no equals sign\n"
      "1BAD=x\n"
      "BAD-NAME=x\n"
      "=novalue\n"
      "UNTERMINATED=\"oops\n"
      "GOOD=yes\n"
      "ALSO_UNTERMINATED='x\n"
      "LAST=end");
  EXPECT_EQ(env.at("GOOD"), "yes");
  EXPECT_EQ(env.at("LAST"), "end");
  EXPECT_FALSE(env.contains("UNTERMINATED"));
  EXPECT_FALSE(env.contains("ALSO_UNTERMINATED"));
  EXPECT_EQ(env.size(), 2u);
}

}  // namespace
}  // namespace sb::config
