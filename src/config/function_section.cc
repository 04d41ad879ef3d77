// [functions.X] with their variants, [metrics.X] and [tools.X]: parsed and validated so a
// TensorZero file loads unchanged; served once functions land.

#include <filesystem>

#include "config/sections.h"

namespace sb::config {
namespace {

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) {
    if (value == a) return true;
  }
  return false;
}

std::string join(std::initializer_list<std::string_view> values) {
  std::string out;
  for (auto v : values) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

// A required string key restricted to `allowed`.
std::optional<std::string> read_enum(TableReader& r, std::string_view key,
                                     std::initializer_list<std::string_view> allowed) {
  auto v = r.string(key);
  if (!v) {
    if (!r.has(key)) r.table_error("set " + std::string(key) + " (" + join(allowed) + ")");
    return std::nullopt;
  }
  if (!one_of(*v, allowed)) {
    r.error(key, "must be one of " + join(allowed) + ", got \"" + *v + "\"");
    return std::nullopt;
  }
  return v;
}

// A configured model of `kind`, or the TYPE::MODEL shorthand of a known provider type.
bool names_a_model(const Config& config, const std::string& name, ModelKind kind) {
  const auto& table = kind == ModelKind::kChat ? config.models : config.embedding_models;
  if (table.contains(name)) return true;
  size_t sep = name.find("::");
  return sep != std::string::npos && sep + 2 < name.size() &&
         find_provider_type(name.substr(0, sep)) != nullptr;
}

void read_model_ref(TableReader& r, std::string_view key, ModelKind kind, const Config& config,
                    std::string* out) {
  auto model = r.non_empty_string(key);
  if (!model) {
    if (!r.has(key)) r.table_error("set " + std::string(key));
    return;
  }
  if (!names_a_model(config, *model, kind)) {
    r.error(key, "model '" + *model + "' is not defined (nor a TYPE::MODEL shorthand of a known " +
                     "provider type)");
  }
  if (out) *out = *model;
}

constexpr std::string_view kSamplingKeys[] = {"temperature",
                                              "top_p",
                                              "max_tokens",
                                              "presence_penalty",
                                              "frequency_penalty",
                                              "seed",
                                              "stop_sequences",
                                              "reasoning_effort",
                                              "thinking_budget_tokens",
                                              "verbosity",
                                              "json_mode",
                                              "extra_body",
                                              "extra_headers"};
constexpr std::string_view kTemplateKeys[] = {"system_template",    "user_template",
                                              "assistant_template", "templates",
                                              "input_wrappers",     "service_tier"};

void read_candidates(TableReader& r, const toml::table& variants) {
  auto candidates = r.strings("candidates");
  if (!candidates) {
    if (!r.has("candidates")) r.table_error("set candidates");
    return;
  }
  for (const auto& c : *candidates) {
    if (!variants.contains(c.value)) {
      r.error_at(c.line, "candidates", "variant '" + c.value + "' is not defined");
    }
  }
}

void read_variant(TableReader& r, const toml::table& variants, const Config& config,
                  VariantConfig& out) {
  auto type =
      read_enum(r, "type",
                {"chat_completion", "experimental_best_of_n_sampling", "experimental_best_of_n",
                 "experimental_mixture_of_n", "experimental_dynamic_in_context_learning",
                 "experimental_chain_of_thought"});
  if (auto w = r.number("weight", 0)) out.weight = *w;
  Timeouts timeouts;  // accepted, not served yet
  read_timeouts(r, timeouts);
  r.accept({"namespace"});
  if (!type) {
    r.accept_all();
    return;
  }
  out.type = *type;
  if (*type == "chat_completion" || *type == "experimental_chain_of_thought") {
    read_model_ref(r, "model", ModelKind::kChat, config, &out.model);
    read_retries(r);
    r.accept(kSamplingKeys);
    r.accept(kTemplateKeys);
  } else if (*type == "experimental_dynamic_in_context_learning") {
    read_model_ref(r, "model", ModelKind::kChat, config, &out.model);
    read_model_ref(r, "embedding_model", ModelKind::kEmbedding, config, nullptr);
    if (!r.integer("k", 1, INT32_MAX) && !r.has("k")) r.table_error("set k");
    r.number("max_distance", 0);
    r.string("system_instructions");
    read_retries(r);
    r.accept(kSamplingKeys);
  } else if (*type == "experimental_mixture_of_n") {
    read_candidates(r, variants);
    r.table("fuser");
  } else {
    read_candidates(r, variants);
    r.table("evaluator");
  }
}

void read_function_keys(TableReader& r, FunctionConfig& f, const Config& config) {
  r.accept({"system_schema", "user_schema", "assistant_schema", "schemas", "description",
            "experimentation", "evaluators"});
  bool chat = f.type == "chat";
  for (std::string_view key : {"tools", "tool_choice", "parallel_tool_calls"}) {
    if (!chat && r.node(key)) r.error(key, "only chat functions take " + std::string(key));
  }
  if (!chat) {
    r.string("output_schema");
    return;
  }
  if (r.node("output_schema")) r.error("output_schema", "only json functions take output_schema");
  if (auto tools = r.strings("tools")) {
    for (const auto& t : *tools) {
      if (!config.tools.contains(t.value)) {
        r.error_at(t.line, "tools",
                   "tool '" + t.value + "' is not defined (add [tools." + t.value + "])");
      }
      f.tools.push_back(t.value);
    }
  }
  r.boolean("parallel_tool_calls");
  if (const toml::node* choice = r.node("tool_choice"); choice && !choice->is_table()) {
    auto s = choice->value<std::string>();
    if (!s || !one_of(*s, {"none", "auto", "required"})) {
      r.error("tool_choice", "must be none, auto, required or { specific = \"TOOL\" }");
    }
  }
}

FunctionConfig read_function(const std::string& name, const toml::table& table,
                             const std::string& path, Diagnostics& diag, const Config& config) {
  TableReader r(table, path, diag);
  FunctionConfig f{.name = name};
  if (auto type = read_enum(r, "type", {"chat", "json"})) f.type = *type;
  if (f.type.empty()) {
    r.accept_all();
  } else {
    read_function_keys(r, f, config);
  }
  if (const toml::table* variants = r.table("variants")) {
    auto read = [&](const std::string& vname, const toml::table& vt, const std::string& vpath) {
      TableReader vr(vt, vpath, diag);
      VariantConfig v{.name = vname};
      read_variant(vr, *variants, config, v);
      vr.finish();
      f.variants.emplace(vname, std::move(v));
    };
    for_each_table(*variants, r.key_path("variants"), diag, read);
  }
  r.finish();
  return f;
}

MetricConfig read_metric(const std::string& name, const toml::table& table, const std::string& path,
                         Diagnostics& diag) {
  TableReader r(table, path, diag);
  if (name == "comment" || name == "demonstration") {
    r.table_error("'" + name + "' is a reserved metric name");
  }
  MetricConfig m{.name = name};
  if (auto v = read_enum(r, "type", {"boolean", "float"})) m.type = *v;
  if (auto v = read_enum(r, "optimize", {"max", "min"})) m.optimize = *v;
  if (auto v = read_enum(r, "level", {"inference", "episode"})) m.level = *v;
  if (auto v = r.string("description")) m.description = *v;
  r.finish();
  return m;
}

ToolConfig read_tool(const std::string& name, const toml::table& table, const std::string& path,
                     const std::string& config_dir, Diagnostics& diag) {
  TableReader r(table, path, diag);
  ToolConfig tool{.name = name, .provider_name = name};
  if (auto v = r.non_empty_string("description")) {
    tool.description = *v;
  } else if (!r.has("description")) {
    r.table_error("set description");
  }
  if (auto v = r.non_empty_string("parameters")) {
    std::filesystem::path p(*v);
    if (p.is_relative()) p = std::filesystem::path(config_dir) / p;
    tool.parameters = p.lexically_normal().string();
  } else if (!r.has("parameters")) {
    r.table_error("set parameters (a JSON Schema file)");
  }
  if (auto v = r.boolean("strict")) tool.strict = *v;
  if (auto v = r.non_empty_string("name")) tool.provider_name = *v;
  r.finish();
  return tool;
}

}  // namespace

void read_functions(const toml::table& table, Diagnostics& diag, Config& out) {
  for_each_table(table, "functions", diag, [&](const auto& name, const auto& t, const auto& path) {
    out.functions.emplace(name, read_function(name, t, path, diag, out));
  });
}

void read_metrics(const toml::table& table, Diagnostics& diag, Config& out) {
  for_each_table(table, "metrics", diag, [&](const auto& name, const auto& t, const auto& path) {
    out.metrics.emplace(name, read_metric(name, t, path, diag));
  });
}

void read_tools(const toml::table& table, const std::string& config_dir, Diagnostics& diag,
                Config& out) {
  for_each_table(table, "tools", diag, [&](const auto& name, const auto& t, const auto& path) {
    out.tools.emplace(name, read_tool(name, t, path, config_dir, diag));
  });
}

}  // namespace sb::config
