// rbench compare: runs side by side. `rbench compare A B [C ...]` compares each later run with the first (run ids);
// `rbench compare --models DIR_A DIR_B ...` takes each model's newest run. Per task: every metric of both runs with
// its interval, the paired difference over shared problems with its interval and a paired test (McNemar's exact
// test for 0/1 per-problem outcomes, else a paired bootstrap; evaluator/significance.h says why), then speed and
// mean generated length; --disagreements lists the problems on which the runs' accuracies differ.
#include <iostream>

#include <cxxopts.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/commands.h"
#include "evaluator/run_comparison.h"
#include "evaluator/run_metrics.h"

namespace rbench::cli {

int cmd_compare(const Args& args) {
  cxxopts::Options options("rbench compare", "Compare runs (or the newest runs of models) task by task");
  options.add_options()
      ("items", "run ids (or model directories with --models)", cxxopts::value<std::vector<std::string>>())
      ("db", "results database", cxxopts::value<std::string>()->default_value("results.sqlite"))
      ("models", "the arguments are model directories: compare their newest runs")
      ("disagreements", "list the problems on which the runs disagree")
      ("json", "print JSON instead of tables")
      ("h,help", "this help");
  options.parse_positional({"items"});
  options.positional_help("RUN_A RUN_B [...] | --models DIR_A DIR_B [...]");
  ArgvView argv("rbench compare", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  auto items = opt.count("items") ? opt["items"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (items.size() < 2) {
    std::cerr << "rbench compare: give at least two runs (or two model directories with --models)\n"
              << options.help() << "\n";
    return 2;
  }
  auto db = open_existing_database(opt["db"].as<std::string>());
  std::vector<int64_t> runs;
  for (const auto& item : items) {
    if (opt.count("models")) {
      auto run = evaluator::latest_run_of_model(db, item);
      if (!run) throw std::runtime_error("no run of model '" + item + "' in " + db.path() + " (see rbench runs)");
      runs.push_back(*run);
      continue;
    }
    try {
      size_t used = 0;
      runs.push_back(std::stoll(item, &used));
      if (used != item.size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      std::cerr << "rbench compare: '" << item << "' is not a run id (use --models for model directories)\n";
      return 2;
    }
  }
  nlohmann::json all = nlohmann::json::array();
  for (size_t i = 1; i < runs.size(); ++i) {
    auto comparison = evaluator::compare_runs(db, runs[0], runs[i]);
    if (opt.count("json")) {
      all.push_back(evaluator::run_comparison_json(comparison));
    } else {
      if (i > 1) std::cout << "\n";
      std::cout << evaluator::format_run_comparison(comparison, opt.count("disagreements") > 0);
    }
  }
  if (opt.count("json")) std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
  return 0;
}

}  // namespace rbench::cli
