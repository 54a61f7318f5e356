// rbench runs: list the runs of a results database (model, suite, status, sample counts, commit, dates), as an
// aligned table or, with --json, as one JSON array for scripts.
#include <iostream>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/commands.h"
#include "results/json_export.h"
#include "results/report.h"

namespace rbench::cli {

int cmd_runs(const Args& args) {
  cxxopts::Options options("rbench runs", "List the runs of a results database");
  options.add_options()
      ("db", "results database", cxxopts::value<std::string>()->default_value("results.sqlite"))
      ("json", "print JSON instead of a table")
      ("h,help", "this help");
  ArgvView argv("rbench runs", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!opt.unmatched().empty()) {
    std::cerr << "rbench runs: unexpected argument '" << opt.unmatched().front() << "'\n";
    return 2;
  }
  auto db = open_existing_database(opt["db"].as<std::string>());
  auto overviews = db.run_overviews();
  if (!opt.count("json")) {
    std::cout << results::format_runs(overviews);
    return 0;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : overviews) {
    nlohmann::json j = o.run;
    j["model_path"] = o.model_path;
    j["n_samples"] = o.n_samples;
    j["n_errors"] = o.n_errors;
    j["n_graded_samples"] = o.n_graded_samples;
    j["tasks"] = o.tasks;
    if (o.bench) j["bench"] = *o.bench;  // an `rbench bench` run: its measures (results::BenchRecord)
    out.push_back(std::move(j));
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace rbench::cli
