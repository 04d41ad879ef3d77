#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "routing/breaker.h"
#include "routing/resolver.h"

namespace sb::routing {

// Walks a Resolution's candidates in order, skipping providers whose circuit is open. When every
// candidate was skipped, the skipped ones are tried anyway (asking an open provider beats
// failing without asking anyone). Every candidate next() returns must get one report().
class CandidateWalk {
 public:
  CandidateWalk(const Resolution& resolution, BreakerBoard& board)
      : resolution_(resolution), board_(board) {}

  const Candidate* next();
  // The outcome of the attempt(s) on the current candidate, for its breaker.
  void report(const Error* error);

 private:
  const Resolution& resolution_;
  BreakerBoard& board_;
  size_t index_ = 0;
  bool forced_ = false;
  size_t forced_index_ = 0;
  int attempted_ = 0;
  std::vector<const Candidate*> skipped_;
  const Candidate* current_ = nullptr;
  Breaker* breaker_ = nullptr;
};

// The breaker key's model part: shorthand models come from client strings, so they share one
// breaker per provider type (bounded).
std::string breaker_model(const Candidate& c);

// Failures that say something about the provider's health (not the request's).
bool is_provider_failure(const Error& e);

}  // namespace sb::routing
