// End to end on the CPU with a tiny random model: `rbench run --devices cpu,cpu` (two engines in one process,
// each in its own thread, fed from one job queue) stores every planned sample exactly once, with the same
// completions, verdicts and metrics as a one-engine run with the same seeds: sampling is seeded per request, so
// which engine runs a sample does not change its tokens. The decode throughput row records both engines' counters.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "evaluator/run_metrics.h"
#include "process.h"

namespace rbench::e2e {
namespace {

using Key = std::tuple<std::string, std::string, int64_t>;

std::map<Key, std::string> completions(const results::Database& db, int64_t run_id, int64_t& n_rows) {
  std::map<int64_t, std::string> verdicts;
  for (const auto& g : db.grades_of(run_id))
    verdicts[g.sample_id] += g.rule + "=" + (g.correct ? "1" : "0") + ":" + g.extracted + ";";
  std::map<Key, std::string> out;
  const auto samples = db.samples_of(run_id);
  n_rows = static_cast<int64_t>(samples.size());
  for (const auto& s : samples)
    out[{s.task, s.problem_id, s.sample_index}] = std::to_string(s.seed) + "|" + s.finish_reason + "|" + s.completion +
                                                  "|" + verdicts[s.id];
  return out;
}

std::vector<std::pair<std::string, double>> metric_values(const results::Database& db, int64_t run_id) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& t : evaluator::score_run(db, run_id).tasks)
    for (const auto& m : t.metrics) out.push_back({t.task + "/" + m.name, m.estimate.mean});
  return out;
}

TEST(E2eMultiEngine, TwoCpuEnginesStoreTheSameRunAsOne) {
  constexpr int kProblems = 4, kSamples = 3;
  const auto dir = fresh_dir("multi_engine");
  const std::string model = (dir / "tiny").string();
  ASSERT_EQ(run_command({rbench_bin(), "make-tiny", "--out", model, "--layers", "4"}).exit_code, 0);
  auto run_args = [&](const std::string& db, const std::string& devices) {
    // Sampled (temperature 0.8): per-request seeds, not greedy ties, must make the runs agree.
    return std::vector<std::string>{rbench_bin(), "run", "--model", model, "--suite", "smoke", "--limit",
                                    std::to_string(kProblems), "--samples", std::to_string(kSamples),
                                    "--temperature", "0.8", "--max-tokens", "12", "--max-batch", "3",
                                    "--graders", "1", "--quiet", "--seed", "11", "--db", db, "--devices", devices};
  };
  const std::string one_db = (dir / "one.sqlite").string(), two_db = (dir / "two.sqlite").string();
  auto one = run_command(run_args(one_db, "cpu"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto two = run_command(run_args(two_db, "cpu,cpu"));
  ASSERT_EQ(two.exit_code, 0) << two.output;

  results::Database a(one_db), b(two_db);
  ASSERT_EQ(a.list_runs().size(), 1u);
  ASSERT_EQ(b.list_runs().size(), 1u);
  const int64_t a_id = a.list_runs()[0].id, b_id = b.list_runs()[0].id;
  EXPECT_EQ(b.get_run(b_id)->device.find("cpu"), 0u);
  EXPECT_NE(b.get_run(b_id)->device.find(","), std::string::npos) << "both engines named: " << b.get_run(b_id)->device;
  int64_t a_rows = 0, b_rows = 0;
  const auto want = completions(a, a_id, a_rows);
  const auto got = completions(b, b_id, b_rows);
  EXPECT_EQ(b_rows, kProblems * kSamples) << "each planned sample exactly once";
  EXPECT_EQ(a_rows, kProblems * kSamples);
  EXPECT_EQ(got, want);
  EXPECT_EQ(metric_values(b, b_id), metric_values(a, a_id));

  const auto throughput = b.throughput_of(b_id);
  ASSERT_EQ(throughput.size(), 2u);
  EXPECT_EQ(throughput[1].phase, "decode");
  EXPECT_EQ(throughput[1].engines, 2);
  EXPECT_GT(throughput[1].decode_steps, 0);
  EXPECT_LE(throughput[1].decode_steps, throughput[1].tokens) << "a decode step makes at least one token";
  EXPECT_GE(throughput[1].max_in_flight, 1);
  EXPECT_LE(throughput[1].max_in_flight, 3) << "--max-batch 3 per engine";
  EXPECT_EQ(throughput[1].batch, 3);
  EXPECT_EQ(a.throughput_of(a_id)[1].engines, 1);
}

}  // namespace
}  // namespace rbench::e2e
