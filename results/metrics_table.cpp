// Builds the per-task metrics table: groups a run's graded outcomes by task and problem, then applies the
// pure metrics of results/metrics.h to every problem and summarises over problems.
#include "results/metrics_table.h"

#include <algorithm>
#include <stdexcept>

namespace rbench::results {
namespace {

// One problem's samples in sample_index order.
struct ProblemVotes {
  std::string problem_id;
  ProblemCounts counts;
  std::vector<Vote> votes;
};

TaskMetrics summarise_task(const std::string& task, const std::vector<ProblemVotes>& problems,
                           const MetricsOptions& options) {
  TaskMetrics metrics;
  metrics.task = task;
  metrics.n_problems = static_cast<int64_t>(problems.size());
  std::vector<ProblemCounts> counts;
  metrics.min_samples_per_problem = problems.front().counts.n;
  for (const ProblemVotes& problem : problems) {
    metrics.problem_ids.push_back(problem.problem_id);
    counts.push_back(problem.counts);
    metrics.n_samples += problem.counts.n;
    metrics.min_samples_per_problem = std::min(metrics.min_samples_per_problem, problem.counts.n);
    metrics.max_samples_per_problem = std::max(metrics.max_samples_per_problem, problem.counts.n);
  }
  const int64_t fewest = metrics.min_samples_per_problem;
  const std::string avg_name = fewest == metrics.max_samples_per_problem ? "avg@" + std::to_string(fewest) : "avg@n";
  const auto add_row = [&](std::string name, std::vector<double> per_problem) {
    const Estimate estimate = estimate_mean(per_problem, options.bootstrap);
    metrics.metrics.push_back({std::move(name), estimate, std::move(per_problem)});
  };
  add_row(avg_name, avg_at_n_per_problem(counts));
  for (const int64_t k : options.pass_ks) {
    if (k < 1 || k > fewest) continue;
    add_row("pass@" + std::to_string(k), pass_at_k_per_problem(counts, k));
  }
  const std::vector<int64_t> maj_ks = options.maj_ks.empty() ? std::vector<int64_t>{fewest} : options.maj_ks;
  for (const int64_t k : maj_ks) {
    if (k < 1 || k > fewest) continue;
    std::vector<double> solved;
    for (const ProblemVotes& problem : problems) solved.push_back(maj_at_k(problem.votes, k, options.equivalent));
    add_row("maj@" + std::to_string(k), std::move(solved));
  }
  return metrics;
}

}  // namespace

std::vector<TaskMetrics> task_metrics(std::span<const GradedOutcome> outcomes, const MetricsOptions& options) {
  std::vector<TaskMetrics> tasks;
  size_t i = 0;
  while (i < outcomes.size()) {
    const std::string& task = outcomes[i].task;
    std::vector<ProblemVotes> problems;
    int64_t n_ungraded = 0;
    for (; i < outcomes.size() && outcomes[i].task == task; ++i) {
      const GradedOutcome& outcome = outcomes[i];
      if (problems.empty() || outcome.problem_id != outcomes[i - 1].problem_id) {
        problems.push_back(ProblemVotes{.problem_id = outcome.problem_id, .counts = {}, .votes = {}});
      }
      ProblemVotes& problem = problems.back();
      ++problem.counts.n;
      const bool correct = outcome.graded && outcome.correct;
      if (correct) ++problem.counts.c;
      if (!outcome.graded) ++n_ungraded;
      // Votes are the canonical answers: equivalent answers written differently vote together. An empty extraction
      // abstains whatever its canonical form.
      problem.votes.push_back({outcome.graded && !outcome.extracted.empty() ? outcome.vote : std::string(), correct});
    }
    TaskMetrics metrics = summarise_task(task, problems, options);
    metrics.n_ungraded = n_ungraded;
    tasks.push_back(std::move(metrics));
  }
  return tasks;
}

namespace {

// The (grader, rule) to score a task by: the options' choice, completed from the task's stored grades.
std::pair<std::string, std::string> grading_key_of_task(const Database& db, int64_t run_id, const std::string& task,
                                                        const MetricsOptions& options) {
  if (!options.grader.empty() && !options.rule.empty()) return {options.grader, options.rule};
  std::vector<std::pair<std::string, std::string>> candidates;
  for (const auto& key : db.grading_keys(run_id, task)) {
    if ((options.grader.empty() || key.first == options.grader) && (options.rule.empty() || key.second == options.rule)) {
      candidates.push_back(key);
    }
  }
  if (candidates.empty()) return {options.grader, options.rule};  // nothing graded: every sample ungraded
  if (candidates.size() > 1) {
    std::string listed;
    for (const auto& [grader, rule] : candidates) listed += " " + grader + "/" + rule;
    throw std::invalid_argument("metrics of run " + std::to_string(run_id) + " task '" + task +
                                "': several grader/rule pairs, choose one of:" + listed);
  }
  return candidates.front();
}

}  // namespace

MetricsTable metrics_for_run(const Database& db, int64_t run_id, const MetricsOptions& options) {
  if (!db.get_run(run_id)) {
    throw DatabaseError("metrics of run " + std::to_string(run_id), 0, "no such run in '" + db.path() + "'");
  }
  MetricsTable table;
  table.run_id = run_id;
  for (const std::string& task : db.tasks_of(run_id)) {
    const auto [grader, rule] = grading_key_of_task(db, run_id, task, options);
    const std::vector<GradedOutcome> outcomes = db.graded_outcomes(run_id, grader, rule, task);
    for (TaskMetrics& metrics : task_metrics(outcomes, options)) {
      metrics.grader = grader;
      metrics.rule = rule;
      table.tasks.push_back(std::move(metrics));
    }
  }
  return table;
}

}  // namespace rbench::results
