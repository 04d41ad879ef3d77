#include "providers/openai/dialect.h"

namespace sb::providers::openai {

Dialect dialect_for(std::string_view type) {
  Dialect d;
  if (type == "openai") {
    d.max_tokens_field = "max_completion_tokens";  // max_tokens is rejected by o-series models
    d.developer_role = true;
  } else if (type == "openrouter") {
    d.reasoning_object = true;
  } else if (type == "mistral") {
    // Mistral rejects unknown body fields with 422 (extra_forbidden): it has no stream_options
    // (usage comes in the last chunk anyway), no user, no reasoning_effort, and names the seed
    // random_seed; its embeddings take output_dimension.
    d.seed_field = "random_seed";
    d.stream_options = false;
    d.user_field = false;
    d.reasoning_effort = false;
    d.dimensions_field = "output_dimension";
  }
  return d;
}

}  // namespace sb::providers::openai
