// Hostile model output through the sandboxed grading pool: every input of the hostile corpus, under each grader
// (math, aime, gpqa), must end as two verdicts (lenient and strict) with a known reason, within the pool's
// wall-clock limit plus a margin for the round trip of a 16 MB frame; and the harness process's memory must stay
// flat while thousands of graded samples stream through (the 100K-sample measurement is grader_memory_bench).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "graders/sandbox/pool.h"
#include "hostile_corpus.h"
#include "process_memory.h"

namespace rbench::hardening {
namespace {

constexpr double kTimeoutSeconds = 4.0;

graders::sandbox::PoolOptions pool_options() {
  const char* bin = std::getenv("RBENCH_BIN_DIR");
  if (bin == nullptr) throw std::runtime_error("test environment lacks RBENCH_BIN_DIR");
  graders::sandbox::PoolOptions o;
  o.worker_exe = std::filesystem::path(bin) / "rbench-grader";
  o.n_workers = 2;
  o.timeout_seconds = kTimeoutSeconds;
  o.memory_limit_bytes = std::size_t{1} << 30;
  o.cpu_seconds = 3;
  return o;
}

const std::set<std::string> kKnownReasons = {"ok", "no_answer", "unparsable", "timeout", "resource_limit",
                                             "worker_crash", "bad_request"};

TEST(HardeningGraders, EveryHostileOutputEndsAsAVerdictWithinTheLimit) {
  graders::sandbox::GraderPool pool(pool_options());
  const auto corpus = hostile_outputs();
  std::map<std::string, int> by_reason;
  for (const std::string grader : {"math", "aime", "gpqa"}) {
    const std::string gold = grader == "gpqa" ? "B" : grader == "aime" ? "42" : "\\frac{1}{2}";
    for (const auto& input : corpus) {
      const auto start = std::chrono::steady_clock::now();
      const auto verdicts = pool.submit({grader, gold, input.text}).get();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      SCOPED_TRACE(grader + "/" + input.name);
      ASSERT_EQ(verdicts.size(), 2u);
      EXPECT_EQ(verdicts[0].rule, "lenient");
      EXPECT_EQ(verdicts[1].rule, "strict");
      for (const auto& v : verdicts) {
        EXPECT_TRUE(kKnownReasons.count(v.reason)) << v.reason;
        EXPECT_LE(v.extracted.size(), input.text.size());
        by_reason[v.reason]++;
      }
      EXPECT_LT(seconds, kTimeoutSeconds + 6.0);
    }
  }
  // The corpus is built so that most inputs are refused or unanswerable rather than graded as correct.
  EXPECT_GT(by_reason["ok"] + by_reason["no_answer"] + by_reason["unparsable"], 0);
}

TEST(HardeningGraders, HarnessMemoryStaysFlatOverThousandsOfGradedSamples) {
  graders::sandbox::GraderPool pool(pool_options());
  // Realistic and hostile (but fast) outputs, mixed; the slow members of the corpus are left to the test above.
  const std::vector<graders::GradeRequest> requests = {
      {"math", "\\frac{1}{2}", "<think>hmm</think> so \\boxed{0.5}"},
      {"math", "(1,2]", "The answer is \\boxed{(1,2]}"},
      {"aime", "25", "so 025 is the final answer"},
      {"gpqa", "C", "Answer: C"},
      {"math", "x", std::string("\\boxed{\xff\xfe\0x}", 12)},
      {"math", "1", "\\boxed{" + repeat("{", 2000) + "}"},
      {"aime", "7", repeat("<|endoftext|>", 200) + "\\boxed{7}"},
  };
  constexpr int kWarmup = 1000, kMeasured = 4000;
  auto push = [&](int n) {
    std::vector<std::future<std::vector<graders::Verdict>>> in_flight;
    for (int i = 0; i < n; ++i) {
      in_flight.push_back(pool.submit(requests[i % requests.size()]));
      if (in_flight.size() == 64) {
        for (auto& f : in_flight) ASSERT_EQ(f.get().size(), 2u);
        in_flight.clear();
      }
    }
    for (auto& f : in_flight) ASSERT_EQ(f.get().size(), 2u);
  };
  push(kWarmup);
  const int64_t after_warmup = resident_kib();
  push(kMeasured);
  const int64_t after = resident_kib();
  // A leak of even 1 KiB per sample would show as 4 MB; allow 8 MB of allocator noise.
  EXPECT_LT(after - after_warmup, 8 * 1024) << "RSS " << after_warmup << " KiB -> " << after << " KiB";
}

}  // namespace
}  // namespace rbench::hardening
