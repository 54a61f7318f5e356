// Scoring stored runs the CLI's way (see run_metrics.h).
#include "evaluator/run_metrics.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "graders/verdict.h"

namespace rbench::evaluator {

std::vector<int64_t> pass_ks_for(int64_t n_samples) {
  std::vector<int64_t> ks;
  for (int64_t k = 1; k <= n_samples; k *= 2) ks.push_back(k);
  if (ks.empty() || ks.back() != n_samples) ks.push_back(std::max<int64_t>(1, n_samples));
  return ks;
}

int64_t max_samples_in_protocol(const results::RunRecord& run) {
  int64_t most = 1;
  auto protocol = nlohmann::json::parse(run.sampling_json, nullptr, false);
  if (protocol.is_object() && protocol.contains("tasks") && protocol["tasks"].is_object())
    for (const auto& [name, n] : protocol["tasks"].items())
      if (n.is_number_integer()) most = std::max<int64_t>(most, n.get<int64_t>());
  return most;
}

results::MetricsOptions metrics_options_for(const results::RunRecord& run) {
  results::MetricsOptions options;
  options.pass_ks = pass_ks_for(max_samples_in_protocol(run));
  options.rule = std::string(graders::kPrimaryRule);
  return options;
}

results::MetricsTable score_run(const results::Database& db, int64_t run_id) {
  auto run = db.get_run(run_id);
  if (!run) throw results::DatabaseError("score run " + std::to_string(run_id), 0, "no such run in " + db.path());
  return results::metrics_for_run(db, run_id, metrics_options_for(*run));
}

std::optional<int64_t> latest_run_of_model(const results::Database& db, const std::filesystem::path& model_dir) {
  const std::string wanted = std::filesystem::absolute(model_dir).lexically_normal().string();
  std::optional<int64_t> latest;
  for (const auto& overview : db.run_overviews()) {
    if (overview.bench) continue;  // a `rbench bench` run of the model has no scores to compare
    std::string path = std::filesystem::path(overview.model_path).lexically_normal().string();
    auto strip = [](std::string s) {
      while (s.size() > 1 && s.back() == '/') s.pop_back();
      return s;
    };
    if (strip(path) == strip(wanted) && (!latest || overview.run.id > *latest)) latest = overview.run.id;
  }
  return latest;
}

}  // namespace rbench::evaluator
