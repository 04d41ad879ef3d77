#pragma once

// Runs one embeddings request over a Resolution's candidates, like Executor::chat without
// streaming: per candidate (circuit breakers skip open providers), resolve credentials, encode,
// send, decode; retry the same provider on connect failures, 408/429/5xx; otherwise move on to
// the next candidate. All inputs go upstream in one request (every embeddings family takes a
// batch). A candidate whose type serves no embeddings fails with a 400 and the walk moves on.

#include <expected>

#include <boost/asio/awaitable.hpp>

#include "api/embeddings.h"
#include "common/error.h"
#include "routing/executor.h"
#include "routing/resolver.h"
#include "routing/runtime.h"
#include "upstream/client.h"

namespace sb::routing {

// `answer` collects the attempts whether or not one succeeds. The response's model is the one
// the upstream reported, else the answering provider's model_name; it has one vector per input.
boost::asio::awaitable<std::expected<api::EmbeddingResponse, Error>> embed(
    const Runtime& runtime, upstream::Client& client, const api::EmbeddingRequest& request,
    const Resolution& resolution, CancelSignal& cancel, Answer& answer);

}  // namespace sb::routing
