// [models.X] and [embedding_models.X] in either shape, and the checks that span models
// (fallbacks: defined, same kind, not itself, no cycles).

#include <algorithm>
#include <set>

#include "config/sections.h"

namespace sb::config {
namespace {

std::string_view kind_name(ModelKind kind) {
  return kind == ModelKind::kChat ? "chat" : "embedding";
}

void read_kind(TableReader& r, ModelKind section_kind, ModelKind& out) {
  auto type = r.string("type");
  if (!type) return;
  if (*type == "chat" && section_kind == ModelKind::kChat) {
    out = ModelKind::kChat;
  } else if (*type == "embedding") {
    out = ModelKind::kEmbedding;
  } else {
    r.error("type", section_kind == ModelKind::kChat
                        ? "must be \"chat\" or \"embedding\", got \"" + *type + "\""
                        : "must be \"embedding\" in [embedding_models], got \"" + *type + "\"");
  }
}

}  // namespace

ModelDraft read_model(const std::string& name, const toml::table& table, const std::string& path,
                      ModelKind section_kind, const CompactProviders& providers,
                      Diagnostics& diag) {
  TableReader r(table, path, diag);
  ModelDraft draft{.key = path, .line = r.line()};
  draft.model.name = name;
  draft.model.kind = section_kind;
  draft.model.source = diag.where(draft.line);
  read_kind(r, section_kind, draft.model.kind);
  if (auto fallbacks = r.strings("fallbacks")) {
    draft.fallbacks_line = r.line_of("fallbacks");
    for (auto& f : *fallbacks) draft.model.fallbacks.push_back(std::move(f.value));
  }
  read_timeouts(r, draft.model.timeouts);
  draft.model.retries = read_retries(r);
  if (draft.model.kind == ModelKind::kEmbedding) {
    if (auto ms = r.positive_millis("timeout_ms")) draft.model.timeouts.non_streaming_total = *ms;
  }
  r.accept({"skip_relay", "namespace"});
  if (r.has("provider")) {
    read_compact_model(r, draft, providers);
  } else {
    read_tensorzero_model(r, draft);
  }
  r.finish();
  return draft;
}

namespace {

using Node = std::pair<ModelKind, std::string>;

class FallbackGraph {
 public:
  FallbackGraph(const std::vector<ModelDraft>& drafts, Diagnostics& diag)
      : drafts_(drafts), diag_(diag) {
    for (size_t i = 0; i < drafts.size(); ++i) {
      index_.emplace(Node{drafts[i].model.kind, drafts[i].model.name}, i);
    }
    edges_.resize(drafts.size());
  }

  // Reports fallbacks that name nothing, the model itself or a model of the other kind.
  void check_targets() {
    for (size_t i = 0; i < drafts_.size(); ++i) {
      const ModelDraft& d = drafts_[i];
      std::set<std::string> seen;
      for (const auto& target : d.model.fallbacks) {
        if (!seen.insert(target).second) {
          error(d, "model '" + target + "' is listed twice");
        } else if (target == d.model.name) {
          error(d, "a model cannot fall back to itself");
        } else if (auto it = index_.find({d.model.kind, target}); it != index_.end()) {
          edges_[i].push_back(it->second);
        } else if (index_.contains({other(d.model.kind), target})) {
          error(d, std::string(d.model.kind == ModelKind::kChat ? "a " : "an ") +
                       std::string(kind_name(d.model.kind)) + " model cannot fall back to " +
                       std::string(kind_name(other(d.model.kind))) + " model '" + target + "'");
        } else {
          error(d, "model '" + target + "' is not defined");
        }
      }
    }
  }

  // Reports each cycle found, once, at the fallbacks of its first model in file order.
  void check_cycles() {
    state_.assign(drafts_.size(), 0);
    for (size_t i = 0; i < drafts_.size(); ++i) {
      if (state_[i] == 0) visit(i);
    }
  }

 private:
  static ModelKind other(ModelKind k) {
    return k == ModelKind::kChat ? ModelKind::kEmbedding : ModelKind::kChat;
  }

  void error(const ModelDraft& d, std::string message) {
    diag_.error(d.fallbacks_line ? d.fallbacks_line : d.line, d.key + ".fallbacks",
                std::move(message));
  }

  void visit(size_t i) {
    state_[i] = 1;  // on the stack
    stack_.push_back(i);
    for (size_t next : edges_[i]) {
      if (state_[next] == 0) {
        visit(next);
      } else if (state_[next] == 1) {
        report_cycle(next);
      }
    }
    stack_.pop_back();
    state_[i] = 2;
  }

  void report_cycle(size_t start) {
    auto from = std::find(stack_.begin(), stack_.end(), start);
    std::vector<size_t> cycle(from, stack_.end());
    // Name it from its first model in file order so each cycle reads the same way.
    auto first = std::min_element(cycle.begin(), cycle.end(), [&](size_t a, size_t b) {
      return drafts_[a].line < drafts_[b].line;
    });
    std::rotate(cycle.begin(), first, cycle.end());
    std::string path;
    for (size_t i : cycle) path += drafts_[i].model.name + " -> ";
    path += drafts_[cycle.front()].model.name;
    error(drafts_[cycle.front()], "fallback cycle: " + path);
  }

  const std::vector<ModelDraft>& drafts_;
  Diagnostics& diag_;
  std::map<Node, size_t> index_;
  std::vector<std::vector<size_t>> edges_;
  std::vector<int> state_;
  std::vector<size_t> stack_;
};

}  // namespace

void check_fallbacks(const std::vector<ModelDraft>& drafts, Diagnostics& diag) {
  FallbackGraph graph(drafts, diag);
  graph.check_targets();
  graph.check_cycles();
}

}  // namespace sb::config
