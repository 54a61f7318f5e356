// Merging shard databases: the merge of all shards equals one unsharded run (samples, seeds, completions, grades,
// metrics), merging again adds nothing, and a generation error in one input gives way to a success in another.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "evaluator/merge.h"
#include "evaluator/run_metrics.h"
#include "fake_runs.h"

namespace rbench::evaluator {
namespace {

using SampleView = std::tuple<int64_t, std::string, std::string, int64_t>;  // seed, completion, finish, n grades
using Key = std::tuple<std::string, std::string, int64_t>;

// Everything about a database's single run that must not depend on how it was produced, ids aside.
std::map<Key, SampleView> contents(const results::Database& db, int64_t run_id) {
  std::map<int64_t, int64_t> grades_per_sample;
  for (const auto& g : db.grades_of(run_id)) grades_per_sample[g.sample_id]++;
  std::map<Key, SampleView> out;
  for (const auto& s : db.samples_of(run_id))
    out[{s.task, s.problem_id, s.sample_index}] = {s.seed, s.completion, s.finish_reason, grades_per_sample[s.id]};
  return out;
}

std::vector<double> avg_values(const results::Database& db, int64_t run_id) {
  std::vector<double> out;
  for (const auto& t : score_run(db, run_id).tasks)
    for (const auto& m : t.metrics) out.push_back(m.estimate.mean);
  return out;
}

TEST(EvaluatorMerge, ShardsMergedEqualOneUnshardedRun) {
  results::Database whole(":memory:");
  auto reference = testing::run_fake(whole, testing::fake_config(5, 3), "/models/a");

  results::Database merged(":memory:");
  int64_t total_added = 0;
  // Throughput rows have no natural key: identical rows count once (distinct shards' rows differ in practice).
  std::set<std::tuple<std::string, int64_t, double>> distinct_throughput;
  for (int i = 0; i < 3; ++i) {
    results::Database shard(":memory:");
    auto config = testing::fake_config(5, 3);
    config.shard = {i, 3};
    auto shard_run = testing::run_fake(shard, config, "/models/a");
    for (const auto& r : shard.throughput_of(shard_run.run_id))
      distinct_throughput.insert({r.phase, r.tokens, r.seconds});
    auto stats = merge_into(merged, shard);
    EXPECT_EQ(stats.n_runs_added + stats.n_runs_matched, 1);
    EXPECT_EQ(stats.n_runs_added, i == 0 ? 1 : 0);
    total_added += stats.n_samples_added;
  }
  ASSERT_EQ(merged.list_runs().size(), 1u);
  ASSERT_EQ(merged.list_models().size(), 1u);
  const int64_t run = merged.list_runs().front().id;
  EXPECT_EQ(total_added, reference.n_planned);
  EXPECT_EQ(contents(merged, run), contents(whole, reference.run_id));
  EXPECT_EQ(avg_values(merged, run), avg_values(whole, reference.run_id));
  EXPECT_EQ(merged.get_run(run)->status, "complete");
  EXPECT_GE(distinct_throughput.size(), 4u);  // prefill + decode of each shard, decode seconds being wall time
  EXPECT_EQ(merged.throughput_of(run).size(), distinct_throughput.size());
}

TEST(EvaluatorMerge, MergingAgainAddsNothing) {
  results::Database a(":memory:"), b(":memory:"), out(":memory:");
  testing::run_fake(a, testing::fake_config(5, 2), "/models/a");
  testing::run_fake(b, testing::fake_config(9, 2), "/models/b");
  merge_into(out, a);
  merge_into(out, b);
  const auto runs = out.list_runs();
  ASSERT_EQ(runs.size(), 2u);
  std::map<int64_t, std::map<Key, SampleView>> before;
  for (const auto& r : runs) before[r.id] = contents(out, r.id);
  for (auto* source : {&a, &b, &a}) {
    auto stats = merge_into(out, *source);
    EXPECT_EQ(stats.n_samples_added, 0);
    EXPECT_EQ(stats.n_grades_added, 0);
    EXPECT_EQ(stats.n_throughput_added, 0);
    EXPECT_EQ(stats.n_runs_added, 0);
    EXPECT_GT(stats.n_samples_present, 0);
  }
  ASSERT_EQ(out.list_runs().size(), 2u);
  for (const auto& r : runs) {
    EXPECT_EQ(contents(out, r.id), before[r.id]);
    EXPECT_EQ(out.throughput_of(r.id).size(), 2u);
  }
}

TEST(EvaluatorMerge, ErrorRowsGiveWayToSuccessesInEitherOrder) {
  results::Database flaky(":memory:"), clean(":memory:");
  auto with_errors = testing::run_fake(flaky, testing::fake_config(5, 2), "/models/a", /*fail_every=*/3);
  ASSERT_GT(with_errors.n_errors, 0);
  auto good = testing::run_fake(clean, testing::fake_config(5, 2), "/models/a");
  const auto want = contents(clean, good.run_id);
  for (bool errors_first : {true, false}) {
    results::Database out(":memory:");
    merge_into(out, errors_first ? flaky : clean);
    merge_into(out, errors_first ? clean : flaky);
    const int64_t run = out.list_runs().front().id;
    EXPECT_EQ(contents(out, run), want) << "errors first: " << errors_first;
  }
}

// A bench run is copied with its throughput and bench rows, beside the evaluation runs, and only once.
TEST(EvaluatorMerge, BenchRunsAreCopiedWholeOnce) {
  results::Database a(":memory:"), out(":memory:");
  testing::run_fake(a, testing::fake_config(5, 2), "/models/a");
  results::ModelRecord model{0, "/models/a", "fake", "cfg", "w", 7};
  results::RunRecord run;
  run.suite = "bench";
  run.sampling_json = R"({"bench":true,"prompt_len":16})";
  run.device = "cpu float32";
  run.started_at = "2026-11-22T20:00:00.000Z";
  run.status = "complete";
  run.command_line = "rbench bench --prompt-len 16 --db a.sqlite";
  results::BenchRecord bench;
  bench.dtype = "float32";
  bench.prompt_len = 16;
  bench.gen_len = 8;
  bench.roofline_fraction = 0.25;
  bench.result_json = "{}";
  const std::vector<results::ThroughputRecord> phases = {{0, 0, "prefill", 16, 0.5, 1, "cpu float32"},
                                                         {0, 0, "decode", 7, 0.25, 1, "cpu float32"}};
  a.insert_bench_run(model, run, phases, bench);

  const MergeStats first = merge_into(out, a);
  EXPECT_EQ(first.n_runs_added, 2);
  const MergeStats again = merge_into(out, a);
  EXPECT_EQ(again.n_runs_added, 0);
  EXPECT_EQ(again.n_throughput_added, 0);
  const auto runs = out.list_runs();
  ASSERT_EQ(runs.size(), 2u);
  int n_bench = 0;
  for (const auto& r : runs) {
    const auto stored = out.bench_of(r.id);
    if (!stored) continue;
    ++n_bench;
    EXPECT_EQ(r.command_line, run.command_line);
    EXPECT_EQ(r.started_at, run.started_at);
    EXPECT_DOUBLE_EQ(stored->roofline_fraction, 0.25);
    EXPECT_EQ(out.throughput_of(r.id).size(), 2u);
  }
  EXPECT_EQ(n_bench, 1);
  // The model's newest run is the bench run; comparing by model still finds its evaluation run.
  EXPECT_EQ(latest_run_of_model(out, "/models/a"), std::optional<int64_t>(runs[0].id));
}

}  // namespace
}  // namespace rbench::evaluator
