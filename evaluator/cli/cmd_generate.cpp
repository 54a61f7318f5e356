// rbench generate: placeholder until issue #4 lands; says so and fails.
#include <iostream>

#include "evaluator/cli/commands.h"

namespace rbench::cli {

int cmd_generate(const Args&) {
  std::cerr << "rbench generate: not built yet (issue #4)\n";
  return 1;
}

}  // namespace rbench::cli
