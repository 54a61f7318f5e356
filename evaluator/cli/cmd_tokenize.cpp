// rbench tokenize: placeholder until issue #3 lands; says so and fails.
#include <iostream>

#include "evaluator/cli/commands.h"

namespace rbench::cli {

int cmd_tokenize(const Args&) {
  std::cerr << "rbench tokenize: not built yet (issue #3)\n";
  return 1;
}

}  // namespace rbench::cli
