// rbench regrade: grade a stored run's traces again with the current grader version, through the sandboxed pool,
// without generating anything. Grades made by another grader version are replaced per (sample, grader, rule);
// grades already current are left alone (a second regrade does nothing). Prints the metrics before and after.
#include <iostream>

#include <cxxopts.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/commands.h"
#include "evaluator/pool_grading.h"
#include "evaluator/regrade.h"
#include "evaluator/run_metrics.h"
#include "results/report.h"

namespace rbench::cli {

int cmd_regrade(const Args& args) {
  cxxopts::Options options("rbench regrade",
                           "Re-grade a run's stored traces with the current grader version (this also fills the canonical "
                           "answers maj@k votes by into grades stored before them)");
  options.add_options()
      ("run", "run id", cxxopts::value<int64_t>())
      ("db", "results database", cxxopts::value<std::string>()->default_value("results.sqlite"))
      ("graders", "grading worker processes", cxxopts::value<int>()->default_value("2"))
      ("h,help", "this help");
  options.parse_positional({"run"});
  options.positional_help("RUN");
  ArgvView argv("rbench regrade", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!opt.count("run")) {
    std::cerr << "rbench regrade: a run id is required\n" << options.help() << "\n";
    return 2;
  }
  auto db = open_existing_database(opt["db"].as<std::string>());
  const int64_t run_id = opt["run"].as<int64_t>();
  const std::string before = results::format_metrics_table(evaluator::score_run(db, run_id));

  graders::sandbox::PoolOptions pool_options;
  pool_options.worker_exe = grader_worker_path();
  pool_options.n_workers = opt["graders"].as<int>();
  graders::sandbox::GraderPool pool(pool_options);
  evaluator::PoolGrading grading(pool);
  auto stats = evaluator::regrade_run(db, run_id, grading, std::string(graders::kGraderVersion));

  std::cout << "run " << run_id << ": " << stats.n_samples_regraded << " samples regraded to "
            << graders::kGraderVersion << ", " << stats.n_samples_current << " already current; "
            << stats.n_grades_written << " grades written, " << stats.n_verdicts_changed << " verdicts changed\n\n"
            << "before\n" << before << "\nafter\n"
            << results::format_metrics_table(evaluator::score_run(db, run_id));
  return 0;
}

}  // namespace rbench::cli
