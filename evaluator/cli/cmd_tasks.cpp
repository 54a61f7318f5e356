// rbench tasks: placeholder until issue #2 lands; says so and fails.
#include <iostream>

#include "evaluator/cli/commands.h"

namespace rbench::cli {

int cmd_tasks(const Args&) {
  std::cerr << "rbench tasks: not built yet (issue #2)\n";
  return 1;
}

}  // namespace rbench::cli
