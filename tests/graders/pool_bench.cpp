// Grader throughput benchmark: grades every {"task","gold","pred"} line of a JSONL file through the sandboxed
// pool and, for comparison, in-process on one thread; prints samples per second and the verdict reasons.
//   graders_pool_bench REQUESTS.jsonl WORKER_EXE [N_WORKERS=2] [REPEAT=1]
#include <chrono>
#include <iostream>
#include <map>

#include "graders/grade.h"
#include "graders/sandbox/pool.h"
#include "tests/graders/test_support.h"

int main(int argc, char** argv) {
  using namespace rbench::graders;
  if (argc < 3) {
    std::cerr << "usage: graders_pool_bench REQUESTS.jsonl WORKER_EXE [N_WORKERS=2] [REPEAT=1]\n";
    return 2;
  }
  try {
    std::vector<GradeRequest> requests;
    std::size_t bytes = 0;
    const int repeat = argc > 4 ? std::stoi(argv[4]) : 1;
    const auto lines = testing::read_jsonl(argv[1]);
    for (int r = 0; r < repeat; ++r) {
      for (const auto& j : lines) {
        requests.push_back({j.at("task"), j.at("gold"), j.at("pred")});
        bytes += requests.back().prediction.size();
      }
    }
    sandbox::PoolOptions options;
    options.worker_exe = argv[2];
    options.n_workers = argc > 3 ? std::stoi(argv[3]) : 2;
    using Clock = std::chrono::steady_clock;

    const auto in_process_start = Clock::now();
    std::size_t in_process_correct = 0;
    for (const auto& r : requests) in_process_correct += grade(r).front().correct ? 1 : 0;
    const double in_process_s = std::chrono::duration<double>(Clock::now() - in_process_start).count();

    std::map<std::string, int> reasons;
    std::size_t pool_correct = 0;
    const auto pool_start = Clock::now();
    {
      sandbox::GraderPool pool(options);
      std::vector<std::future<std::vector<Verdict>>> futures;
      for (const auto& r : requests) futures.push_back(pool.submit(r));
      for (auto& f : futures) {
        const auto v = f.get();
        ++reasons[v.front().reason];
        pool_correct += v.front().correct ? 1 : 0;
      }
    }
    const double pool_s = std::chrono::duration<double>(Clock::now() - pool_start).count();

    std::cout << requests.size() << " requests, mean trace " << bytes / requests.size() << " bytes\n";
    std::cout << "in-process, 1 thread: " << requests.size() / in_process_s << " samples/s (" << in_process_s
              << " s), correct " << in_process_correct << "\n";
    std::cout << "pool, " << options.n_workers << " workers: " << requests.size() / pool_s << " samples/s ("
              << pool_s << " s, including worker start-up), correct " << pool_correct << "\n";
    for (const auto& [reason, count] : reasons) std::cout << "  reason " << reason << ": " << count << "\n";
    return pool_correct == in_process_correct ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "graders_pool_bench: " << e.what() << "\n";
    return 1;
  }
}
