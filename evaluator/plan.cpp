// Plan construction (see plan.h).
#include "evaluator/plan.h"

#include <algorithm>
#include <stdexcept>

namespace rbench::evaluator {

namespace {

uint64_t fnv1a(uint64_t h, const std::string& s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;  // separator, so ("ab","c") and ("a","bc") differ
  h *= 0x100000001b3ULL;
  return h;
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t sample_seed(uint64_t run_seed, const std::string& task, const std::string& problem_id, int sample_index) {
  uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325ULL, task), problem_id);
  h = splitmix64(h ^ splitmix64(run_seed));
  return splitmix64(h + static_cast<uint64_t>(sample_index)) >> 1;  // 63 bits: fits SQLite's signed integers
}

std::vector<PlannedSample> make_plan(const std::vector<const tasks::Task*>& tasks,
                                     const std::vector<TaskSelection>& selections, std::optional<int> limit,
                                     uint64_t run_seed, Shard shard, const std::set<results::SampleKey>& done) {
  if (tasks.size() != selections.size()) throw std::invalid_argument("make_plan: one selection per task needed");
  std::vector<PlannedSample> plan;
  std::size_t position = 0;  // index in the full, unsharded plan
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const tasks::Task& task = *tasks[t];
    std::size_t n_problems = task.problems.size();
    if (limit) n_problems = std::min<std::size_t>(n_problems, static_cast<std::size_t>(std::max(0, *limit)));
    // Sample-major order: every problem's sample 0 first, so a partial run already covers all problems.
    for (int k = 0; k < selections[t].n_samples; ++k) {
      for (std::size_t p = 0; p < n_problems; ++p, ++position) {
        if (static_cast<int>(position % static_cast<std::size_t>(shard.count)) != shard.index) continue;
        const std::string& pid = task.problems[p].id;
        if (done.count({task.name, pid, static_cast<int64_t>(k)})) continue;
        plan.push_back({&task, p, k, sample_seed(run_seed, task.name, pid, k)});
      }
    }
  }
  return plan;
}

}  // namespace rbench::evaluator
