// Several engines behind one generator (evaluator/parallel_generator.h), with fakes: every job runs exactly once,
// results reach on_done on the calling thread, a faster engine takes more jobs, a run over two engines stores the
// same samples and metrics as over one, and an engine's failure ends generate() with its error after the others stop.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "evaluator/device_plan.h"
#include "evaluator/parallel_generator.h"
#include "evaluator/run_metrics.h"
#include "fake_runs.h"

namespace rbench::evaluator {
namespace {

// A fake engine that tags its results with its name, optionally sleeping per job (a slower device).
class TaggedFake : public testing::FakeGenerator {
 public:
  TaggedFake(std::string name, std::chrono::microseconds per_job) : name_(std::move(name)), per_job_(per_job) {}
  ModelDescription describe() const override {
    auto d = FakeGenerator::describe();
    d.device = name_;
    return d;
  }
  void generate(std::vector<GenerationJob> jobs, const Sampling& sampling,
                const std::function<void(GenerationResult)>& on_done) override {
    FakeGenerator::generate(std::move(jobs), sampling, [&](GenerationResult r) {
      std::this_thread::sleep_for(per_job_);
      r.error = name_;  // the test reads the engine back from here (finish_reason stays what the fake chose)
      on_done(std::move(r));
    });
  }
  GeneratorStats stats() const override {
    GeneratorStats s;
    s.decode_steps = n_results;
    s.max_in_flight = max_seen_batch;
    s.slots = 3;
    return s;
  }

 private:
  std::string name_;
  std::chrono::microseconds per_job_;
};

std::vector<GenerationJob> jobs(int n) {
  std::vector<GenerationJob> out;
  for (int i = 0; i < n; ++i) out.push_back({static_cast<uint64_t>(i), {{"user", "q gold=" + std::to_string(i)}}, 2u * i});
  return out;
}

std::unique_ptr<ParallelGenerator> engines(std::vector<std::chrono::microseconds> delays, int batch) {
  std::vector<std::unique_ptr<Generator>> list;
  for (std::size_t i = 0; i < delays.size(); ++i)
    list.push_back(std::make_unique<TaggedFake>("fake:" + std::to_string(i), delays[i]));
  return std::make_unique<ParallelGenerator>(std::move(list), batch);
}

TEST(EvaluatorParallel, EveryJobOnceOnTheCallingThread) {
  for (std::size_t n_engines : {1u, 2u, 3u}) {
    // 200 us per job: an engine holds its pull long enough for the others to start (threads start in ~50 us).
    auto gen = engines(std::vector<std::chrono::microseconds>(n_engines, std::chrono::microseconds(200)), 3);
    std::multiset<uint64_t> seen;
    std::set<std::string> used;
    const auto caller = std::this_thread::get_id();
    gen->generate(jobs(100), {}, [&](GenerationResult r) {
      EXPECT_EQ(std::this_thread::get_id(), caller);
      seen.insert(r.key);
      used.insert(r.error);
      EXPECT_EQ(r.text, "so \\boxed{" + std::to_string(r.key) + "}") << "job " << r.key << " answered as itself";
    });
    ASSERT_EQ(seen.size(), 100u) << n_engines << " engines";
    for (uint64_t k = 0; k < 100; ++k) EXPECT_EQ(seen.count(k), 1u) << "job " << k;
    EXPECT_EQ(used.size(), n_engines) << "every engine took work";
    const GeneratorStats s = gen->stats();
    EXPECT_EQ(s.engines, static_cast<int64_t>(n_engines));
    EXPECT_EQ(s.decode_steps, 100);
    EXPECT_EQ(s.slots, 3 * static_cast<int64_t>(n_engines));
    EXPECT_LE(s.max_in_flight, 12) << "a pull takes at most 4 x batch";
  }
}

TEST(EvaluatorParallel, FasterEngineTakesMoreJobs) {
  auto gen = engines({std::chrono::microseconds(2000), std::chrono::microseconds(0)}, 2);
  std::map<std::string, int> per_engine;
  gen->generate(jobs(200), {}, [&](GenerationResult r) { per_engine[r.error]++; });
  EXPECT_EQ(per_engine["fake:0"] + per_engine["fake:1"], 200);
  EXPECT_GT(per_engine["fake:1"], 4 * per_engine["fake:0"]) << "slow " << per_engine["fake:0"] << ", fast "
                                                             << per_engine["fake:1"];
  EXPECT_EQ(gen->describe().device, "fake:0,fake:1");
}

TEST(EvaluatorParallel, PullSizeSpreadsTheTail) {
  EXPECT_EQ(ParallelGenerator::pull_size(1000, 2, 8), 32u) << "capped at 4 x batch";
  EXPECT_EQ(ParallelGenerator::pull_size(40, 2, 8), 10u) << "a quarter of what is left over two engines";
  EXPECT_EQ(ParallelGenerator::pull_size(20, 2, 8), 8u) << "at least a full batch";
  EXPECT_EQ(ParallelGenerator::pull_size(3, 2, 8), 3u) << "never more than is left";
}

TEST(EvaluatorParallel, AFailingEngineEndsGenerateWithItsError) {
  std::vector<std::unique_ptr<Generator>> list;
  auto dying = std::make_unique<testing::FakeGenerator>();
  dying->die_after = 5;
  list.push_back(std::move(dying));
  // The healthy engine takes 2 ms a job, so it cannot finish all 200 before the dying engine's thread has started
  // and pulled (with an instant healthy engine this failed once on a loaded 2-core machine: no pull, no death).
  list.push_back(std::make_unique<TaggedFake>("fake:1", std::chrono::microseconds(2000)));
  ParallelGenerator gen(std::move(list), 2);
  std::set<uint64_t> seen;
  EXPECT_THROW(gen.generate(jobs(200), {}, [&](GenerationResult r) { EXPECT_TRUE(seen.insert(r.key).second); }),
               std::runtime_error);
  EXPECT_LT(seen.size(), 200u) << "no new pulls after the failure";
  EXPECT_THROW(ParallelGenerator({}, 1), std::invalid_argument);
}

TEST(EvaluatorParallel, TwoEnginesStoreTheSameRunAsOne) {
  auto tasks = testing::fake_tasks();
  const RunConfig config = testing::fake_config(11, 3);
  testing::ExactGrading grading;
  Progress progress(false);
  results::Database one_db(":memory:"), two_db(":memory:");
  testing::FakeGenerator single;
  auto one = run_evaluation(config, tasks, single, grading, one_db, progress, {});
  auto two_engines = engines({std::chrono::microseconds(0), std::chrono::microseconds(50)}, config.max_batch);
  auto two = run_evaluation(config, tasks, *two_engines, grading, two_db, progress, {});
  ASSERT_EQ(two.n_generated, one.n_generated);
  auto rows = [](results::Database& db, int64_t run) {
    std::map<std::tuple<std::string, std::string, int64_t>, std::string> out;
    for (const auto& s : db.samples_of(run)) out[{s.task, s.problem_id, s.sample_index}] = s.completion;
    return out;
  };
  EXPECT_EQ(rows(one_db, one.run_id), rows(two_db, two.run_id));
  EXPECT_EQ(rows(two_db, two.run_id).size(), static_cast<std::size_t>(one.n_planned)) << "each sample exactly once";
  const auto a = score_run(one_db, one.run_id), b = score_run(two_db, two.run_id);
  ASSERT_EQ(a.tasks.size(), b.tasks.size());
  for (std::size_t t = 0; t < a.tasks.size(); ++t)
    for (std::size_t m = 0; m < a.tasks[t].metrics.size(); ++m)
      EXPECT_EQ(a.tasks[t].metrics[m].estimate.mean, b.tasks[t].metrics[m].estimate.mean) << a.tasks[t].metrics[m].name;
  // The engines' counters of the run land in its decode throughput row.
  const auto throughput = two_db.throughput_of(two.run_id);
  ASSERT_EQ(throughput.size(), 2u);
  EXPECT_EQ(throughput[1].phase, "decode");
  EXPECT_EQ(throughput[1].engines, 2);
  EXPECT_EQ(throughput[1].decode_steps, two.n_generated);
  EXPECT_EQ(throughput[1].batch, 3) << "max_batch 4 clipped to the 3 slots of each engine's pool";
}

TEST(EvaluatorDevicePlan, DevicesAndBatchDefaults) {
  EXPECT_EQ(plan_devices("cuda", std::nullopt, 4), (std::vector<std::string>{"cuda:0", "cuda:1", "cuda:2", "cuda:3"}));
  EXPECT_EQ(plan_devices("cuda", std::nullopt, 1), (std::vector<std::string>{"cuda"}));
  EXPECT_EQ(plan_devices("cuda:1", std::nullopt, 4), (std::vector<std::string>{"cuda:1"}));
  EXPECT_EQ(plan_devices("cuda", std::string("cpu,cpu"), 4), (std::vector<std::string>{"cpu", "cpu"}));
  EXPECT_THROW(plan_devices("cpu", std::string(","), 0), std::invalid_argument);
  EXPECT_EQ(plan_max_batch(std::nullopt, "cpu"), kCpuDefaultMaxBatch);
  EXPECT_EQ(plan_max_batch(std::nullopt, "cuda:0"), kMaxBatchForMax);
  EXPECT_EQ(plan_max_batch(std::string("max"), "cpu"), kMaxBatchForMax);
  EXPECT_EQ(plan_max_batch(std::string("3"), "cuda"), 3);
  EXPECT_THROW(plan_max_batch(std::string("0"), "cpu"), std::invalid_argument);
  EXPECT_THROW(plan_max_batch(std::string("4x"), "cpu"), std::invalid_argument);
  EXPECT_EQ(count_visible_gpus("0,1,3"), 3);
  EXPECT_EQ(count_visible_gpus(""), 0);
  EXPECT_EQ(count_visible_gpus(nullptr, "/nonexistent/gpus"), 0);
}

}  // namespace
}  // namespace rbench::evaluator
