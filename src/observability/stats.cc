#include "observability/stats.h"

namespace sb::observability {

Stats& stats() {
  static Stats instance;
  return instance;
}

}  // namespace sb::observability
