#pragma once

#include <memory>

#include "http/router.h"
#include "http/worker_context.h"

namespace sb::http {

// Registers every endpoint of DESIGN §1 on `router` for one worker.
void register_routes(Router& router, std::shared_ptr<WorkerContext> context);

}  // namespace sb::http
