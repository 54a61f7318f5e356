// The run loop (see runner.h).
#include "evaluator/runner.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "evaluator/plan.h"

namespace rbench::evaluator {

namespace {

using Clock = std::chrono::steady_clock;

// A finished generation waiting for its verdicts.
struct PendingGrade {
  results::SampleRecord sample;
  std::string grader;
  std::string gold;
  std::future<std::vector<graders::Verdict>> verdicts;
};

std::string messages_json(const std::vector<tasks::Message>& messages) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : messages) j.push_back({{"role", m.role}, {"content", m.content}});
  return j.dump();
}

int64_t find_or_start_run(const RunConfig& config, const ModelDescription& model, results::Database& db,
                          const RunContext& context, bool& resumed) {
  results::ModelRecord m;
  m.path = model.path;
  m.architecture = model.architecture;
  m.config_sha256 = model.config_sha256;
  m.weights_sha256 = model.weights_sha256;
  m.n_params = model.n_params;
  int64_t model_id = db.upsert_model(m);
  std::string protocol = config.protocol_json().dump();
  auto seed = static_cast<int64_t>(config.seed);
  if (auto run = db.find_run(model_id, config.suite, protocol, seed)) {
    resumed = true;
    db.set_run_status(run->id, "running");
    return run->id;
  }
  resumed = false;
  results::RunRecord r;
  r.model_id = model_id;
  r.suite = config.suite;
  r.sampling_json = protocol;
  r.seed = seed;
  r.git_commit = context.git_commit;
  r.harness_version = context.harness_version;
  r.device = model.device;
  r.command_line = context.command_line;
  return db.insert_run(r);
}

// Commits every pending sample whose verdicts are in (all of them when `wait`), oldest first.
void commit_ready(std::deque<PendingGrade>& pending, bool wait, results::Database& db, Progress& progress) {
  while (!pending.empty()) {
    auto& front = pending.front();
    if (!wait && front.verdicts.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    std::vector<results::GradeRecord> grades;
    for (const auto& v : front.verdicts.get()) {
      results::GradeRecord g;
      g.grader = front.grader;
      g.grader_version = std::string(graders::kGraderVersion);
      g.rule = v.rule;
      g.extracted = v.extracted;
      g.canonical = v.canonical.empty() ? v.extracted : v.canonical;  // a grader without canonical forms
      g.correct = v.correct;
      g.reason = v.detail.empty() ? v.reason : v.reason + ": " + v.detail;  // the why behind a failure
      g.gold = front.gold;
      grades.push_back(std::move(g));
    }
    db.insert_sample_with_grades(front.sample, grades);
    progress.sample_done(front.sample.task, front.sample.n_completion_tokens);
    pending.pop_front();
  }
}

}  // namespace

RunOutcome run_evaluation(const RunConfig& config, const std::vector<tasks::Task>& tasks, Generator& generator,
                          Grading& grading, results::Database& db, Progress& progress, const RunContext& context) {
  if (tasks.size() != config.tasks.size()) throw std::invalid_argument("run_evaluation: one loaded task per selection");
  auto start = Clock::now();
  RunOutcome out;
  ModelDescription model = generator.describe();
  out.run_id = find_or_start_run(config, model, db, context, out.resumed);

  std::vector<const tasks::Task*> task_ptrs;
  for (const auto& t : tasks) task_ptrs.push_back(&t);
  std::set<results::SampleKey> done = db.done_samples(out.run_id);
  auto full = make_plan(task_ptrs, config.tasks, config.limit, config.seed, config.shard, {});
  auto plan = make_plan(task_ptrs, config.tasks, config.limit, config.seed, config.shard, done);
  out.n_planned = static_cast<int64_t>(full.size());
  out.n_already_done = out.n_planned - static_cast<int64_t>(plan.size());
  {
    std::map<std::string, std::pair<int64_t, int64_t>> per_task;  // total, remaining
    for (const auto& s : full) per_task[s.task->name].first++;
    for (const auto& s : plan) per_task[s.task->name].second++;
    for (const auto& sel : config.tasks)
      progress.add_task(sel.name, per_task[sel.name].first, per_task[sel.name].first - per_task[sel.name].second);
  }

  const GeneratorStats stats_before = generator.stats();
  int64_t prefill_tokens = 0, decode_tokens = 0;
  double prefill_seconds = 0, generate_seconds = 0;
  std::deque<PendingGrade> pending;
  // Chunks keep Ctrl-C responsive and bound the memory of queued prompts; each is large enough to fill the batch.
  // With several engines, each gets its share of a chunk.
  const auto engines = static_cast<std::size_t>(std::max<int64_t>(1, stats_before.engines));
  const std::size_t chunk =
      std::max<std::size_t>(64, 8 * engines * static_cast<std::size_t>(std::max(1, config.max_batch)));
  for (std::size_t begin = 0; begin < plan.size(); begin += chunk) {
    if (context.stop_requested && context.stop_requested->load()) {
      out.interrupted = true;
      break;
    }
    std::size_t end = std::min(plan.size(), begin + chunk);
    std::vector<GenerationJob> jobs;
    std::vector<tasks::PromptedSample> prompts;
    for (std::size_t i = begin; i < end; ++i) {
      const auto& s = plan[i];
      prompts.push_back(s.task->prompt(s.problem_index, s.sample_index));
      jobs.push_back({i, prompts.back().messages, s.seed});
    }
    auto t0 = Clock::now();
    generator.generate(std::move(jobs), config.sampling, [&](GenerationResult r) {
      const PlannedSample& s = plan.at(r.key);
      const tasks::PromptedSample& p = prompts.at(r.key - begin);
      results::SampleRecord rec;
      rec.task = s.task->name;
      rec.task_version = s.task->version;
      rec.dataset_sha256 = s.task->source_sha256;
      rec.problem_id = s.problem_id();
      rec.sample_index = s.sample_index;
      rec.seed = static_cast<int64_t>(s.seed);
      rec.run_id = out.run_id;
      rec.prompt = messages_json(p.messages);
      rec.completion = r.text;
      rec.n_prompt_tokens = r.n_prompt_tokens;
      rec.n_completion_tokens = r.n_completion_tokens;
      rec.finish_reason = r.finish_reason;
      rec.error = r.error;
      rec.prefill_seconds = r.prefill_seconds;
      rec.decode_seconds = r.decode_seconds;
      prefill_tokens += r.n_prompt_tokens;
      decode_tokens += r.n_completion_tokens;
      prefill_seconds += r.prefill_seconds;
      if (r.finish_reason == "error") {
        out.n_errors++;
        db.insert_sample_with_grades(rec, {});  // a row with the reason; resume retries it
        progress.sample_done(rec.task, 0);
      } else {
        if (r.finish_reason == "length") out.n_truncated++;
        pending.push_back({std::move(rec), s.task->grader, p.gold, grading.submit({s.task->grader, p.gold, r.text})});
      }
      out.n_generated++;
      commit_ready(pending, false, db, progress);
    });
    generate_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  }
  commit_ready(pending, true, db, progress);
  progress.finish();

  if (decode_tokens > 0 || prefill_tokens > 0) {
    const GeneratorStats stats_after = generator.stats();
    // The batch an engine could run: --max-batch, unless its state pool holds fewer sequences.
    int64_t batch = std::max(1, config.max_batch);
    if (stats_after.slots > 0) batch = std::min(batch, std::max<int64_t>(1, stats_after.slots / engines));
    results::ThroughputRecord prefill{0, out.run_id, "prefill", prefill_tokens, prefill_seconds, batch, model.device};
    prefill.engines = static_cast<int64_t>(engines);
    db.insert_throughput(prefill);
    // Decode: generated tokens over the wall time of generation (prefill included): the throughput a user sees.
    // The engines' counters of this invocation go with it: decode tokens / decode_steps is the mean batch.
    results::ThroughputRecord decode = prefill;
    decode.phase = "decode";
    decode.tokens = decode_tokens;
    decode.seconds = generate_seconds;
    decode.decode_steps = stats_after.decode_steps - stats_before.decode_steps;
    decode.max_in_flight = stats_after.max_in_flight;
    decode.graphs_captured = stats_after.graphs_captured - stats_before.graphs_captured;
    db.insert_throughput(decode);
  }
  db.set_run_status(out.run_id, out.interrupted ? "interrupted" : "complete");
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

}  // namespace rbench::evaluator
