// Merging result databases by identity (see merge.h).
#include "evaluator/merge.h"

#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

namespace rbench::evaluator {

namespace {

// "complete" only when every merged part is; otherwise the least finished status seen.
std::string combined_status(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& s) {
    if (s == "failed") return 0;
    if (s == "interrupted") return 1;
    if (s == "running") return 2;
    return 3;  // complete
  };
  return rank(a) <= rank(b) ? a : b;
}

using ThroughputKey = std::tuple<std::string, int64_t, double, int64_t, std::string>;

ThroughputKey throughput_key(const results::ThroughputRecord& r) {
  return {r.phase, r.tokens, r.seconds, r.batch, r.device};
}

// A bench run is one measurement, not a protocol to complete: copied whole with its rows, once (a target run
// with the same start, command line and device is the same measurement merged before).
void merge_bench_run(results::Database& target, const results::Database& source, const results::RunRecord& run,
                     const results::BenchRecord& bench, MergeStats& stats) {
  for (const auto& held : target.list_runs()) {
    if (held.started_at == run.started_at && held.command_line == run.command_line && held.device == run.device &&
        target.bench_of(held.id)) {
      stats.n_runs_matched++;
      return;
    }
  }
  results::ModelRecord model = source.get_model(run.model_id).value();
  model.id = 0;
  results::RunRecord copy = run;
  copy.id = 0;
  const auto phases = source.throughput_of(run.id);
  target.insert_bench_run(model, copy, phases, bench);
  stats.n_runs_added++;
  stats.n_throughput_added += static_cast<int64_t>(phases.size());
}

}  // namespace

MergeStats& MergeStats::operator+=(const MergeStats& o) {
  n_runs_added += o.n_runs_added;
  n_runs_matched += o.n_runs_matched;
  n_samples_added += o.n_samples_added;
  n_samples_present += o.n_samples_present;
  n_grades_added += o.n_grades_added;
  n_throughput_added += o.n_throughput_added;
  return *this;
}

MergeStats merge_into(results::Database& target, const results::Database& source) {
  MergeStats stats;
  std::map<int64_t, int64_t> model_ids;  // source id -> target id
  for (auto model : source.list_models()) {
    int64_t source_id = model.id;
    model.id = 0;
    model_ids[source_id] = target.upsert_model(model);
  }
  for (const auto& run : source.list_runs()) {
    if (auto bench = source.bench_of(run.id)) {
      merge_bench_run(target, source, run, *bench, stats);
      continue;
    }
    const int64_t model_id = model_ids.at(run.model_id);
    int64_t target_run = 0;
    // find_run compares sampling_json as stored (canonical), so equal protocols written differently still match.
    if (auto existing = target.find_run(model_id, run.suite, run.sampling_json, run.seed)) {
      target_run = existing->id;
      stats.n_runs_matched++;
      std::string status = combined_status(existing->status, run.status);
      if (status != existing->status) target.set_run_status(target_run, status);
    } else {
      results::RunRecord copy = run;
      copy.id = 0;
      copy.model_id = model_id;
      target_run = target.insert_run(copy);
      stats.n_runs_added++;
    }

    // What the target holds for this run: key -> whether it is an error row (which a success may replace).
    std::map<results::SampleKey, bool> held;
    for (const auto& s : target.samples_of(target_run))
      held[{s.task, s.problem_id, s.sample_index}] = s.finish_reason == "error";
    std::map<int64_t, std::vector<results::GradeRecord>> grades_by_sample;
    for (auto& g : source.grades_of(run.id)) grades_by_sample[g.sample_id].push_back(std::move(g));
    for (auto sample : source.samples_of(run.id)) {
      const results::SampleKey key{sample.task, sample.problem_id, sample.sample_index};
      auto found = held.find(key);
      const bool is_error = sample.finish_reason == "error";
      if (found != held.end() && (!found->second || is_error)) {
        stats.n_samples_present++;
        continue;
      }
      std::vector<results::GradeRecord> grades = std::move(grades_by_sample[sample.id]);
      for (auto& g : grades) g.id = 0;
      sample.id = 0;
      sample.run_id = target_run;
      target.insert_sample_with_grades(sample, grades);  // replaces a stored error row of the same key
      held[key] = is_error;
      stats.n_samples_added++;
      stats.n_grades_added += static_cast<int64_t>(grades.size());
    }

    std::multiset<ThroughputKey> present;
    for (const auto& r : target.throughput_of(target_run)) present.insert(throughput_key(r));
    for (auto r : source.throughput_of(run.id)) {
      auto found = present.find(throughput_key(r));
      if (found != present.end()) {
        present.erase(found);
        continue;
      }
      r.id = 0;
      r.run_id = target_run;
      target.insert_throughput(r);
      stats.n_throughput_added++;
    }
  }
  return stats;
}

}  // namespace rbench::evaluator
