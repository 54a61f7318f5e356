// GPU end to end (registered with ctest only with -DRBENCH_GPU_TESTS=ON, on a machine with GPUs): `rbench run` on a
// tiny model with the CUDA defaults (--max-batch max) on one GPU, then with `--device cuda` (one engine per visible
// GPU; with one GPU the same single engine). Asserted: every planned sample exactly once in both, the engines'
// counters recorded. Reported (RESULT lines, so one run tells everything): engines, batch, decode steps, mean batch,
// max in flight, CUDA graphs, tokens/s, and how many completions are identical between the runs (greedy bf16 may
// flip a near-tie when the batch composition differs, so that count is measured, not asserted).
// Run directly: RBENCH_BIN_DIR=build-gpu/bin RBENCH_TEST_TMP=/tmp/rbench-gpu build-gpu/tests/e2e_gpu_tests
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <tuple>

#include "evaluator/run_metrics.h"
#include "process.h"

namespace rbench::e2e {
namespace {

using Key = std::tuple<std::string, std::string, int64_t>;

struct RunView {
  std::map<Key, std::string> completions;
  int64_t rows = 0;
  results::ThroughputRecord decode;
};

RunView view(const std::string& path) {
  results::Database db(path);
  RunView v;
  const auto runs = db.list_runs();
  if (runs.size() != 1) throw std::runtime_error(path + ": expected one run, found " + std::to_string(runs.size()));
  const auto samples = db.samples_of(runs[0].id);
  v.rows = static_cast<int64_t>(samples.size());
  for (const auto& s : samples) v.completions[{s.task, s.problem_id, s.sample_index}] = s.completion;
  for (const auto& t : db.throughput_of(runs[0].id))
    if (t.phase == "decode") v.decode = t;
  return v;
}

void report(const std::string& name, const RunView& v) {
  const auto& d = v.decode;
  std::cout << "RESULT " << name << ": device '" << d.device << "' engines " << d.engines << " batch " << d.batch
            << " decode_tokens " << d.tokens << " seconds " << d.seconds << " tokens/s "
            << (d.seconds > 0 ? static_cast<double>(d.tokens) / d.seconds : 0.0) << " decode_steps " << d.decode_steps
            << " mean_batch " << (d.decode_steps > 0 ? static_cast<double>(d.tokens) / static_cast<double>(d.decode_steps) : 0.0)
            << " max_in_flight " << d.max_in_flight << " graphs " << d.graphs_captured << " rows " << v.rows << "\n";
}

TEST(E2eGpu, OneEnginePerGpuStoresEverySampleOnce) {
  constexpr int kProblems = 26, kSamples = 8;  // the whole smoke task, 208 samples: batches of 208 in flight
  const auto dir = fresh_dir("gpu_runs");
  const std::string model = (dir / "tiny").string();
  ASSERT_EQ(run_command({rbench_bin(), "make-tiny", "--out", model, "--layers", "4"}).exit_code, 0);
  auto run_args = [&](const std::string& db, const std::string& device_flag, const std::string& device) {
    return std::vector<std::string>{rbench_bin(), "run", "--model", model, "--suite", "smoke", "--samples",
                                    std::to_string(kSamples), "--temperature", "0.8", "--max-tokens", "64",
                                    "--graders", "2", "--quiet", "--seed", "3", "--db", db, device_flag, device};
  };
  const std::string one_db = (dir / "one.sqlite").string(), all_db = (dir / "all.sqlite").string();
  auto one = run_command(run_args(one_db, "--devices", "cuda:0"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto all = run_command(run_args(all_db, "--device", "cuda"));
  ASSERT_EQ(all.exit_code, 0) << all.output;
  std::cout << all.output;

  const RunView a = view(one_db), b = view(all_db);
  report("one_gpu", a);
  report("all_gpus", b);
  EXPECT_EQ(a.rows, kProblems * kSamples);
  EXPECT_EQ(b.rows, kProblems * kSamples) << "each planned sample exactly once";
  EXPECT_EQ(b.completions.size(), a.completions.size());
  int identical = 0;
  for (const auto& [key, text] : a.completions) identical += b.completions.count(key) && b.completions.at(key) == text;
  std::cout << "RESULT identical_completions " << identical << " of " << a.completions.size() << "\n";
  EXPECT_GE(a.decode.engines, 1);
  EXPECT_GT(a.decode.decode_steps, 0);
  EXPECT_GT(a.decode.max_in_flight, 8) << "the CUDA default batch is 'max', not the CPU's 8";
  EXPECT_LE(a.decode.decode_steps * 4, a.decode.tokens) << "batched: at least 4 tokens per decode step on average";
  EXPECT_GE(b.decode.engines, 1);
}

}  // namespace
}  // namespace rbench::e2e
