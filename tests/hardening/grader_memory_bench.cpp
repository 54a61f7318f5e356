// Benchmark, not a test: pushes N graded samples (default 100000; a mix of realistic and hostile outputs across
// the three graders) through the sandboxed pool and prints the harness's RSS every N/10 samples, so that "memory
// stays flat" is a measured statement. Usage: grader_memory_bench [N] [workers]; needs RBENCH_BIN_DIR.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "graders/sandbox/pool.h"
#include "hostile_corpus.h"
#include "process_memory.h"

int main(int argc, char** argv) {
  using namespace rbench;
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int workers = argc > 2 ? std::atoi(argv[2]) : 2;
  const char* bin = std::getenv("RBENCH_BIN_DIR");
  if (bin == nullptr || n < 10) {
    std::fprintf(stderr, "usage: RBENCH_BIN_DIR=build/bin grader_memory_bench [N>=10] [workers]\n");
    return 2;
  }
  graders::sandbox::PoolOptions o;
  o.worker_exe = std::filesystem::path(bin) / "rbench-grader";
  o.n_workers = workers;
  o.timeout_seconds = 5;
  graders::sandbox::GraderPool pool(o);
  const std::vector<graders::GradeRequest> requests = {
      {"math", "\\frac{1}{2}", "<think>hmm</think> so \\boxed{0.5}"},
      {"math", "(1,2]", "The answer is \\boxed{(1,2]}"},
      {"aime", "25", "so 025 is the final answer"},
      {"gpqa", "C", "Answer: C"},
      {"math", "x", std::string("\\boxed{\xff\xfe\0x}", 12)},
      {"math", "1", "\\boxed{" + hardening::repeat("{", 2000) + "}"},
      {"aime", "7", hardening::repeat("<|endoftext|>", 200) + "\\boxed{7}"},
      {"math", "2", "\\boxed{" + hardening::repeat("9^{", 30) + "9" + hardening::repeat("}", 30) + "}"},
      {"math", "3", hardening::repeat("The final answer is ", 500)},
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<std::vector<graders::Verdict>>> in_flight;
  int64_t bad = 0;
  std::printf("samples\trss_kib\tseconds\n");
  for (int i = 0; i < n; ++i) {
    in_flight.push_back(pool.submit(requests[i % requests.size()]));
    if (in_flight.size() == 64 || i + 1 == n) {
      for (auto& f : in_flight) bad += f.get().size() != 2;
      in_flight.clear();
    }
    if ((i + 1) % (n / 10) == 0)
      std::printf("%d\t%lld\t%.1f\n", i + 1, static_cast<long long>(hardening::resident_kib()),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("malformed verdict lists: %lld; respawns: %zu\n", static_cast<long long>(bad), pool.n_respawns());
  return bad == 0 ? 0 : 1;
}
