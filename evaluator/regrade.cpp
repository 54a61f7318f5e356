// Regrading stored traces (see regrade.h).
#include "evaluator/regrade.h"

#include <future>
#include <map>
#include <vector>

namespace rbench::evaluator {

RegradeStats regrade_run(results::Database& db, int64_t run_id, Grading& grading, const std::string& current_version) {
  if (!db.get_run(run_id))
    throw results::DatabaseError("regrade run " + std::to_string(run_id), 0, "no such run in " + db.path());
  RegradeStats stats;
  std::map<int64_t, std::vector<results::GradeRecord>> grades_by_sample;
  for (auto& g : db.grades_of(run_id)) grades_by_sample[g.sample_id].push_back(std::move(g));

  struct Pending {
    std::vector<results::GradeRecord> old_grades;
    std::future<std::vector<graders::Verdict>> verdicts;
  };
  std::vector<Pending> pending;
  for (const auto& sample : db.samples_of(run_id)) {
    auto found = grades_by_sample.find(sample.id);
    if (found == grades_by_sample.end()) continue;  // error rows: nothing was graded
    bool stale = false;
    // Stale: another grader version, or a row from before canonical answers (schema version 3) to fill in.
    for (const auto& g : found->second) stale = stale || g.grader_version != current_version || !g.canonical;
    if (!stale) {
      stats.n_samples_current++;
      continue;
    }
    // One request per (grader, gold) the sample was graded under; the verdicts cover every rule.
    const auto& first = found->second.front();
    pending.push_back({found->second, grading.submit({first.grader, first.gold, sample.completion})});
  }
  for (auto& p : pending) {
    std::vector<graders::Verdict> verdicts = p.verdicts.get();
    const auto& first = p.old_grades.front();
    for (const auto& v : verdicts) {
      results::GradeRecord g;
      g.sample_id = first.sample_id;
      g.grader = first.grader;
      g.grader_version = current_version;
      g.rule = v.rule;
      g.extracted = v.extracted;
      g.canonical = v.canonical.empty() ? v.extracted : v.canonical;  // a grader without canonical forms
      g.correct = v.correct;
      g.reason = v.reason;
      g.gold = first.gold;
      for (const auto& old : p.old_grades)
        if (old.rule == g.rule && old.correct != g.correct) stats.n_verdicts_changed++;
      db.insert_grade(g);
      stats.n_grades_written++;
    }
    stats.n_samples_regraded++;
  }
  return stats;
}

}  // namespace rbench::evaluator
