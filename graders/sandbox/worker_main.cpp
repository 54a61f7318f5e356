// rbench-grader: the sandboxed grading worker. The pool starts it with its socket on fd 0 and the limits as
// arguments; it confines itself and serves grade requests until the socket closes.
//   rbench-grader [--memory-bytes N] [--cpu-seconds S] [--enable-hostile-probes]
#include <iostream>
#include <string>

#include "graders/sandbox/worker_loop.h"

int main(int argc, char** argv) {
  rbench::graders::sandbox::WorkerOptions options;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--memory-bytes" && i + 1 < argc) {
        options.limits.address_space_bytes = std::stoull(argv[++i]);
      } else if (arg == "--cpu-seconds" && i + 1 < argc) {
        options.limits.cpu_seconds_per_request = std::stod(argv[++i]);
      } else if (arg == "--enable-hostile-probes") {
        options.enable_hostile_probes = true;
      } else {
        std::cerr << "rbench-grader: unknown argument '" << arg
                  << "' (usage: rbench-grader [--memory-bytes N] [--cpu-seconds S] [--enable-hostile-probes])\n";
        return 2;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "rbench-grader: bad argument value: " << e.what() << "\n";
    return 2;
  }
  return rbench::graders::sandbox::run_worker(options);
}
