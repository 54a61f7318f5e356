// rbench score: placeholder until issue #4 lands; says so and fails.
#include <iostream>

#include "evaluator/cli/commands.h"

namespace rbench::cli {

int cmd_score(const Args&) {
  std::cerr << "rbench score: not built yet (issue #4)\n";
  return 1;
}

}  // namespace rbench::cli
