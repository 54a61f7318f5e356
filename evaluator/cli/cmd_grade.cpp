// rbench grade: placeholder until issue #5 lands; says so and fails.
#include <iostream>

#include "evaluator/cli/commands.h"

namespace rbench::cli {

int cmd_grade(const Args&) {
  std::cerr << "rbench grade: not built yet (issue #5)\n";
  return 1;
}

}  // namespace rbench::cli
