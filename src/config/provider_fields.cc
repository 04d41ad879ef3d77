// The keys a provider table takes, shared by [models.X.providers.Y] and [providers.NAME].

#include <algorithm>
#include <cctype>
#include <span>

#include "config/credentials.h"
#include "config/sections.h"

namespace sb::config {
namespace {

bool is_http_url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Reads one of two spellings of a key (`primary` wins the name in messages); both set is an error.
std::optional<std::string> aliased_string(TableReader& r, std::string_view primary,
                                          std::string_view alias) {
  auto a = r.string(primary);
  if (alias.empty() || alias == primary) return a;
  auto b = r.string(alias);
  if (a && b) {
    r.error(alias,
            "set either " + std::string(primary) + " or " + std::string(alias) + ", not both");
    return a;
  }
  return a ? a : b;
}

void read_credential(TableReader& r, std::string_view primary, std::string_view alias,
                     CredentialLocation& out) {
  for (std::string_view key : {primary, alias}) {
    const toml::node* n = key.empty() ? nullptr : r.raw().get(key);
    if (n && n->is_table()) {
      r.node(key);
      r.error(key, "the { default, fallback } form is not supported: give one location");
      return;
    }
  }
  auto text = aliased_string(r, primary, alias);
  if (!text) return;
  auto loc = parse_credential_location(*text);
  if (!loc) {
    r.error(r.has(primary) ? primary : alias, loc.error());
    return;
  }
  out = *loc;
}

void read_header(TableReader& r, std::string name, std::string value, int line,
                 std::vector<std::pair<std::string, std::string>>& out) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
    r.error_at(line, "extra_headers", "'" + name + "' is not a valid header name");
  } else if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    r.error_at(line, "extra_headers", "value of header '" + name + "' contains a line break");
  } else {
    out.emplace_back(std::move(name), std::move(value));
  }
}

// TensorZero's shape: [{ name = "...", value = "..." }]; also a plain table { Name = "value" }.
void read_extra_headers(TableReader& r, std::vector<std::pair<std::string, std::string>>& out) {
  const toml::node* n = r.node("extra_headers");
  if (!n) return;
  if (const auto* t = n->as_table()) {
    for (auto&& [k, v] : *t) {
      if (const auto* s = v.as_string()) {
        read_header(r, std::string(k.str()), s->get(), line_of(v), out);
      } else {
        r.error_at(line_of(v), "extra_headers",
                   "value of '" + std::string(k.str()) + "' must be a string");
      }
    }
    return;
  }
  const auto* a = n->as_array();
  if (!a) {
    r.error("extra_headers",
            "expected an array of { name, value } tables, got " + std::string(type_name(*n)));
    return;
  }
  for (const toml::node& element : *a) {
    const auto* t = element.as_table();
    if (!t) {
      r.error_at(line_of(element), "extra_headers", "expected { name, value } tables");
      continue;
    }
    TableReader h(*t, r.key_path("extra_headers"), r.diag());
    auto name = h.string("name");
    auto value = h.string("value");
    if (h.has("delete")) {
      h.accept({"delete"});
      h.error("delete", "deleting a header is not supported; remove the entry");
    } else if (!name || !value) {
      h.table_error("each extra header needs name and value");
    } else {
      read_header(r, *name, *value, line_of(element), out);
    }
    h.finish();
  }
}

void read_options(TableReader& r, const ProviderTypeRules& rules, ProviderConfig& p) {
  for (std::string_view key : rules.option_keys) {
    const toml::node* n = r.node(key);
    if (!n) continue;
    std::string value;
    if (const auto* s = n->as_string()) {
      value = s->get();
    } else if (const auto* b = n->as_boolean()) {
      value = b->get() ? "true" : "false";
    } else if (const auto* i = n->as_integer()) {
      value = std::to_string(i->get());
    } else {
      continue;  // structured (provider_tools, content_type_overrides): accepted, not kept
    }
    p.options.emplace(key, std::move(value));
  }
}

void read_azure(TableReader& r, ProviderConfig& p) {
  if (auto v = r.non_empty_string("deployment_id")) p.deployment_id = *v;
  if (auto v = r.non_empty_string("endpoint")) p.endpoint = *v;
  if (auto v = r.non_empty_string("api_version")) p.api_version = *v;
}

// Resolves the type: `type`, else the default; reports a missing or unknown one.
const ProviderTypeRules* read_type(TableReader& r, ProviderConfig& p,
                                   const ProviderReadOptions& options) {
  auto type = r.string("type");
  if (!type && r.has("type")) return nullptr;  // wrong type, reported
  if (!type && options.default_type.empty()) {
    r.table_error(options.shape == ProviderShape::kCompact
                      ? "set type ('" + p.name + "' is not a provider type)"
                      : std::string("set type"));
    return nullptr;
  }
  p.type = type ? *type : options.default_type;
  const ProviderTypeRules* rules = find_provider_type(p.type);
  if (!rules) {
    r.error("type",
            "unknown provider type '" + p.type + "' (known: " + known_provider_types() + ")");
  }
  return rules;
}

void read_model_name(TableReader& r, const ProviderTypeRules& rules, ProviderConfig& p) {
  if (auto v = aliased_string(r, rules.model_key, "model_name")) p.model_name = *v;
}

void check_tensorzero_requirements(TableReader& r, const ProviderTypeRules& rules,
                                   const ProviderConfig& p) {
  bool has_endpoint_id = p.options.contains("endpoint_id");
  if (rules.needs_model_name && p.model_name.empty() && !has_endpoint_id) {
    r.table_error("type '" + p.type + "' requires " + std::string(rules.model_key));
  }
  if (rules.is_azure && p.deployment_id.empty()) {
    r.table_error("type 'azure' requires deployment_id");
  }
}

// Keys of the other shape, answered with the spelling this table wants.
void hint_other_shape(TableReader& r, bool compact, const ProviderTypeRules& rules) {
  struct Hint {
    std::string_view key;
    std::string_view message;
  };
  static constexpr Hint kTensorZero[] = {
      {"api_key", "[models.X.providers.Y] spells it api_key_location"},
      {"base_url", "[models.X.providers.Y] spells it api_base"},
  };
  static constexpr Hint kCompact[] = {
      {"model_name", "set model = \"...\" in each [models.X] that uses this provider"},
      {"model_id", "set model = \"...\" in each [models.X] that uses this provider"},
  };
  for (const Hint& hint : compact ? std::span<const Hint>(kCompact) : kTensorZero) {
    if (hint.key == rules.credential_key || !r.has(hint.key)) continue;
    r.node(hint.key);
    r.error(hint.key, "unknown key: " + std::string(hint.message));
  }
}

}  // namespace

const ProviderTypeRules* read_provider(TableReader& r, ProviderConfig& p,
                                       const ProviderReadOptions& options) {
  const ProviderTypeRules* rules = read_type(r, p, options);
  if (!rules) {
    r.accept_all();  // one error for an unknown type, not one per key
    return nullptr;
  }
  bool compact = options.shape == ProviderShape::kCompact;
  hint_other_shape(r, compact, *rules);
  if (!compact) read_model_name(r, *rules, p);
  std::string_view base_key = compact ? "base_url" : "api_base";
  if (auto base = aliased_string(r, base_key, compact ? "api_base" : "")) {
    if (is_http_url(*base)) {
      p.api_base = *base;
    } else {
      r.error(r.has(base_key) ? base_key : "api_base", "must be an http:// or https:// URL");
    }
  }
  read_credential(r, compact ? "api_key" : "api_key_location",
                  compact ? "api_key_location" : rules->credential_key, p.api_key);
  read_timeouts(r, p.timeouts);
  p.retries = read_retries(r);
  read_extra_headers(r, p.extra_headers);
  if (auto v = r.boolean("allow_prefill")) p.allow_prefill = *v;
  if (rules->is_azure) read_azure(r, p);
  read_options(r, *rules, p);
  if (options.kind == ModelKind::kEmbedding) {
    if (auto ms = r.positive_millis("timeout_ms")) p.timeouts.non_streaming_total = *ms;
  }
  r.accept({"extra_body", "discard_unknown_chunks", "cost", "batch_cost"});

  if (rules->needs_api_base && p.api_base.empty()) {
    r.table_error("type '" + p.type + "' requires " + std::string(base_key));
  }
  if (rules->is_azure && p.endpoint.empty()) r.table_error("type 'azure' requires endpoint");
  if (!compact) check_tensorzero_requirements(r, *rules, p);
  return rules;
}

void read_timeouts(TableReader& r, Timeouts& out) {
  const toml::table* t = r.table("timeouts");
  if (!t) return;
  TableReader timeouts(*t, r.key_path("timeouts"), r.diag());
  if (const toml::table* ns = timeouts.table("non_streaming")) {
    TableReader n(*ns, timeouts.key_path("non_streaming"), r.diag());
    if (auto v = n.positive_millis("total_ms")) out.non_streaming_total = *v;
    n.finish();
  }
  if (const toml::table* s = timeouts.table("streaming")) {
    TableReader st(*s, timeouts.key_path("streaming"), r.diag());
    if (auto v = st.positive_millis("ttft_ms")) out.streaming_ttft = *v;
    if (auto v = st.positive_millis("total_ms")) out.streaming_total = *v;
    if (auto v = st.positive_millis("idle_ms")) out.streaming_idle = *v;
    st.finish();
  }
  timeouts.finish();
}

std::optional<Retries> read_retries(TableReader& r) {
  const toml::table* t = r.table("retries");
  if (!t) return std::nullopt;
  TableReader retries(*t, r.key_path("retries"), r.diag());
  Retries out;
  if (auto v = retries.integer("num_retries", 0, 100)) out.num_retries = static_cast<int>(*v);
  if (auto v = retries.number("max_delay_s", 0)) out.max_delay_s = *v;
  retries.finish();
  return out;
}

}  // namespace sb::config
