// The sandboxed pool under normal and hostile load: every request must end as verdicts with the right reason,
// confinement must block fork/exec/file writes/network, and dead workers must be replaced.
#include <gtest/gtest.h>

#include <thread>

#include "graders/sandbox/pool.h"
#include "tests/graders/test_support.h"

namespace rbench::graders::sandbox {
namespace {

PoolOptions test_options() {
  PoolOptions o;
  o.worker_exe = std::filesystem::path(testing::required_env("RBENCH_BIN_DIR")) / "rbench-grader";
  o.n_workers = 2;
  o.timeout_seconds = 10;
  o.memory_limit_bytes = std::size_t{1} << 30;
  o.cpu_seconds = 5;
  o.enable_hostile_probes = true;
  return o;
}

std::vector<Verdict> grade_one(GraderPool& pool, const std::string& grader, const std::string& gold,
                               const std::string& prediction) {
  return pool.submit({grader, gold, prediction}).get();
}

TEST(GradersSandbox, GradesThroughWorkers) {
  GraderPool pool(test_options());
  const auto v = grade_one(pool, "math", "\\frac{1}{2}", "thinking...</think> So the answer is $\\boxed{0.5}$.");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[0].correct);
  EXPECT_EQ(v[0].rule, kPrimaryRule);
  EXPECT_EQ(v[0].reason, reason::kOk);
  EXPECT_EQ(v[1].rule, kStrictRule);
  EXPECT_TRUE(v[1].correct);
}

TEST(GradersSandbox, ConcurrentSubmissionsKeepTheirOwnVerdicts) {
  GraderPool pool(test_options());
  std::vector<std::thread> submitters;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&pool, &wrong, t] {
      std::vector<std::pair<int, std::future<std::vector<Verdict>>>> futures;
      for (int i = 0; i < 25; ++i) {
        const int n = t * 100 + i;
        futures.emplace_back(n, pool.submit({"aime", std::to_string(n), "so \\boxed{" + std::to_string(n) + "}"}));
      }
      for (auto& [n, f] : futures) {
        const auto v = f.get();
        if (!v[0].correct || v[0].extracted != std::to_string(n)) ++wrong[t];
      }
    });
  }
  for (auto& s : submitters) s.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

TEST(GradersSandbox, ForkExecFileWriteAndNetworkAreBlocked) {
  GraderPool pool(test_options());
  for (const char* probe : {"hostile:fork", "hostile:exec", "hostile:file_write", "hostile:network"}) {
    const auto v = grade_one(pool, probe, "", "");
    ASSERT_EQ(v.size(), 1u) << probe;
    EXPECT_EQ(v[0].detail.rfind("blocked: ", 0), 0u) << probe << ": " << v[0].detail;
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/rbench-grader-probe"));
  EXPECT_EQ(pool.n_respawns(), 0u);
}

TEST(GradersSandbox, MemoryBombIsAResourceLimit) {
  GraderPool pool(test_options());
  const auto v = grade_one(pool, "hostile:memory", "", "");
  EXPECT_EQ(v[0].reason, reason::kResourceLimit) << v[0].detail;
  EXPECT_NE(v[0].detail.find("memory"), std::string::npos) << v[0].detail;
  EXPECT_TRUE(grade_one(pool, "aime", "7", "\\boxed{7}")[0].correct);
}

// 4 KiB blocks fill the allocator's arenas instead of mapping each block: under AddressSanitizer this is the path
// where ASan's size-class allocator fails a mapping without an out-of-memory report (graders/sandbox/memory_limit.h).
TEST(GradersSandbox, MemoryBombOfSmallBlocksIsAResourceLimit) {
  PoolOptions o = test_options();
  o.n_workers = 1;
  o.timeout_seconds = 60;  // 262144 written blocks take seconds under ASan on a loaded machine
  GraderPool pool(o);
  const auto v = grade_one(pool, "hostile:memory_small", "", "");
  EXPECT_EQ(v[0].reason, reason::kResourceLimit) << v[0].detail;
  EXPECT_NE(v[0].detail.find("memory"), std::string::npos) << v[0].detail;
  EXPECT_TRUE(grade_one(pool, "aime", "7", "\\boxed{7}")[0].correct);
}

TEST(GradersSandbox, CpuBombHitsTheCpuLimitAndTheWorkerIsReplaced) {
  PoolOptions o = test_options();
  o.cpu_seconds = 1;
  o.timeout_seconds = 60;  // the CPU limit must fire first even on a loaded machine (1 CPU second may take many)
  o.n_workers = 1;
  GraderPool pool(o);
  const auto v = grade_one(pool, "hostile:cpu", "", "");
  EXPECT_EQ(v[0].reason, reason::kResourceLimit) << v[0].detail;
  EXPECT_TRUE(grade_one(pool, "aime", "7", "\\boxed{7}")[0].correct);
  EXPECT_EQ(pool.n_respawns(), 1u);
}

TEST(GradersSandbox, WallClockTimeoutKillsTheWorker) {
  PoolOptions o = test_options();
  o.timeout_seconds = 0.5;
  o.cpu_seconds = 60;
  o.n_workers = 1;
  GraderPool pool(o);
  const auto start = std::chrono::steady_clock::now();
  const auto v = grade_one(pool, "hostile:cpu", "", "");
  EXPECT_EQ(v[0].reason, reason::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(grade_one(pool, "gpqa", "C", "Answer: C")[0].correct);
}

TEST(GradersSandbox, CrashBecomesAVerdictAndTheWorkerIsReplaced) {
  PoolOptions o = test_options();
  o.n_workers = 1;
  GraderPool pool(o);
  const auto v = grade_one(pool, "hostile:crash", "", "");
  EXPECT_EQ(v[0].reason, reason::kWorkerCrash);
  EXPECT_NE(v[0].detail.find("signal"), std::string::npos) << v[0].detail;
  EXPECT_TRUE(grade_one(pool, "aime", "7", "\\boxed{7}")[0].correct);
  EXPECT_EQ(pool.n_respawns(), 1u);
}

TEST(GradersSandbox, TenMegabytesOfNestedBracesEndAsAVerdict) {
  GraderPool pool(test_options());
  const std::string braces = "\\boxed{" + std::string(10u << 20, '{');
  const auto v = grade_one(pool, "math", "1", braces);
  EXPECT_FALSE(v[0].correct);
  EXPECT_TRUE(v[0].reason == reason::kNoAnswer || v[0].reason == reason::kUnparsable) << v[0].reason;
  const std::string closed = "\\boxed{" + std::string(5u << 20, '{') + std::string(5u << 20, '}') + "}";
  const auto w = grade_one(pool, "math", "1", closed);
  EXPECT_FALSE(w[0].correct);
  EXPECT_NE(w[0].reason, reason::kWorkerCrash);
  EXPECT_NE(w[0].reason, reason::kTimeout);
}

TEST(GradersSandbox, ExponentTowersAndDeepNestingAreUnparsableNotHangs) {
  GraderPool pool(test_options());
  for (const std::string& answer : {std::string("10^{10^{10^{10}}}"), std::string("2^{2^{2^{2^{2^{2}}}}}"),
                                    std::string("9^{9^{9}}"), std::string("(10^{100})!"),
                                    std::string(300, '(') + "1" + std::string(300, ')'),
                                    std::string(500, '-') + "1"}) {
    const auto v = grade_one(pool, "math", "1", "\\boxed{" + answer + "}");
    EXPECT_FALSE(v[0].correct) << answer;
    EXPECT_EQ(v[0].reason, reason::kUnparsable) << answer << ": " << v[0].reason << " " << v[0].detail;
  }
}

TEST(GradersSandbox, InvalidUtf8AndNulBytesAreHandled) {
  GraderPool pool(test_options());
  const std::string invalid = std::string("answer \xff\xfe\xc3 \\boxed{\xc3\x28}") + std::string("\0\0", 2);
  auto v = grade_one(pool, "math", "1", invalid);
  EXPECT_FALSE(v[0].correct);
  EXPECT_EQ(v[0].reason, reason::kUnparsable);
  const std::string with_nul = std::string("x\0y \\boxed{12}\0", 16);
  v = grade_one(pool, "aime", "12", with_nul);
  EXPECT_TRUE(v[0].correct);
  EXPECT_EQ(v[0].extracted, "12");
}

TEST(GradersSandbox, MissingWorkerExecutableIsAnError) {
  PoolOptions o = test_options();
  o.worker_exe = "/nonexistent/rbench-grader";
  EXPECT_THROW(GraderPool pool(o), std::invalid_argument);
}

}  // namespace
}  // namespace rbench::graders::sandbox
