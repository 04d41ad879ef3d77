#pragma once

// Model string → ordered candidates (DESIGN §1 "Model strings", in that order):
// tensorzero::function_name::F, tensorzero::model_name::M, configured key, unique provider-side
// name, TYPE::MODEL shorthand, else 404 listing what was tried.

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "config/schema.h"
#include "providers/provider.h"

namespace sb::routing {

struct Candidate {
  const config::ModelConfig* model = nullptr;  // the model this provider belongs to
  const config::ProviderConfig* provider = nullptr;
  const providers::Descriptor* descriptor = nullptr;
};

struct Resolution {
  const config::ModelConfig* model = nullptr;        // the model the string named
  std::vector<Candidate> candidates;                 // its providers, then its fallbacks' providers
  std::shared_ptr<const config::ModelConfig> adhoc;  // owns `model` for TYPE::MODEL strings
};

class Resolver {
 public:
  explicit Resolver(std::shared_ptr<const config::Config> config);

  std::expected<Resolution, Error> resolve(std::string_view model, config::ModelKind kind) const;

 private:
  const std::map<std::string, config::ModelConfig>& table(config::ModelKind kind) const;
  std::expected<Resolution, Error> expand(const config::ModelConfig& model) const;
  std::expected<Resolution, Error> shorthand(std::string_view model, config::ModelKind kind,
                                             std::string& tried) const;

  std::shared_ptr<const config::Config> config_;
  // provider-side model_name → configured models of each kind that use it
  std::unordered_map<std::string, std::vector<const config::ModelConfig*>> chat_by_upstream_;
  std::unordered_map<std::string, std::vector<const config::ModelConfig*>> embed_by_upstream_;
};

}  // namespace sb::routing
