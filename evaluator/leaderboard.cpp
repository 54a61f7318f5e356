// Building the leaderboard from a results database (see leaderboard.h).
#include "evaluator/leaderboard.h"

#include <algorithm>
#include <filesystem>

#include "evaluator/run_metrics.h"

namespace rbench::evaluator {

std::string model_label(const results::ModelRecord& model) {
  std::filesystem::path p(model.path);
  while (!p.empty() && p.filename().empty()) p = p.parent_path();
  return p.empty() ? model.path : p.filename().string();
}

Leaderboard build_leaderboard(const results::Database& db) {
  std::map<int64_t, results::RunOverview> latest_by_model;
  for (auto& overview : db.run_overviews()) {
    if (overview.n_samples == 0) continue;
    auto& slot = latest_by_model[overview.run.model_id];
    if (overview.run.id > slot.run.id) slot = std::move(overview);
  }
  Leaderboard board;
  std::set<std::string> all_tasks;
  for (const auto& [model_id, overview] : latest_by_model) {
    LeaderboardRow row;
    row.model = db.get_model(model_id).value_or(results::ModelRecord{});
    row.run = overview.run;
    row.throughput = results::throughput_for_run(db, row.run.id);
    for (const auto& grade : db.grades_of(row.run.id)) row.grader_versions.insert(grade.grader_version);
    const auto table = score_run(db, row.run.id);
    for (const auto& task : table.tasks) {
      if (task.metrics.empty()) continue;
      TaskScore score;
      score.metric = task.metrics[0].name;  // avg@n comes first
      score.accuracy = task.metrics[0].estimate;
      score.n_samples = task.n_samples;
      score.n_ungraded = task.n_ungraded;
      auto per_task = results::throughput_for_run(db, row.run.id, task.task);
      score.n_truncated = per_task.n_truncated;
      score.mean_completion_tokens = per_task.mean_completion_tokens;
      row.scores[task.task] = score;
      all_tasks.insert(task.task);
    }
    // Provenance of each task's data: every sample of a task carries the same version and hash (the database
    // refuses a mix), so the first one found is the task's.
    for (const auto& sample : db.samples_of(row.run.id)) {
      auto found = row.scores.find(sample.task);
      if (found != row.scores.end() && found->second.dataset_sha256.empty()) {
        found->second.dataset_sha256 = sample.dataset_sha256;
        found->second.task_version = sample.task_version;
      }
    }
    double sum = 0;
    for (const auto& [name, score] : row.scores) sum += score.accuracy.mean;
    row.mean_accuracy = row.scores.empty() ? 0 : sum / static_cast<double>(row.scores.size());
    board.rows.push_back(std::move(row));
  }
  board.tasks.assign(all_tasks.begin(), all_tasks.end());
  std::map<std::string, int> label_uses;
  for (const auto& row : board.rows) label_uses[model_label(row.model)]++;
  for (auto& row : board.rows) {
    const std::string short_label = model_label(row.model);
    row.label = label_uses[short_label] > 1 ? row.model.path : short_label;
  }
  std::stable_sort(board.rows.begin(), board.rows.end(), [](const LeaderboardRow& a, const LeaderboardRow& b) {
    return a.mean_accuracy > b.mean_accuracy;
  });
  return board;
}

}  // namespace rbench::evaluator
