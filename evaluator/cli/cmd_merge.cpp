// rbench merge: combine result databases (one per shard, or from several machines) into OUT without duplicates.
// Rows are matched by identity (evaluator/merge.h), so merging shards gives what one unsharded run would have
// written, and merging the same inputs again adds nothing.
#include <filesystem>
#include <iostream>

#include <cxxopts.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/commands.h"
#include "evaluator/merge.h"

namespace rbench::cli {

int cmd_merge(const Args& args) {
  cxxopts::Options options("rbench merge", "Merge shard databases into one without duplicates");
  options.add_options()
      ("files", "OUT.sqlite IN1.sqlite [IN2.sqlite ...]", cxxopts::value<std::vector<std::string>>())
      ("h,help", "this help");
  options.parse_positional({"files"});
  options.positional_help("OUT.sqlite IN1.sqlite [IN2.sqlite ...]");
  ArgvView argv("rbench merge", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  auto files = opt.count("files") ? opt["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) {
    std::cerr << "rbench merge: give the output database and at least one input\n" << options.help() << "\n";
    return 2;
  }
  // Inputs first: a missing input fails before the output file is created.
  std::vector<results::Database> inputs;
  for (size_t i = 1; i < files.size(); ++i) {
    std::error_code ec;
    if (std::filesystem::equivalent(files[0], files[i], ec))
      throw std::invalid_argument("input '" + files[i] + "' is the output database");
    inputs.push_back(open_existing_database(files[i]));
  }
  results::Database out(files[0]);
  evaluator::MergeStats total;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto stats = evaluator::merge_into(out, inputs[i]);
    std::cout << files[i + 1] << ": " << stats.n_samples_added << " samples added, " << stats.n_samples_present
              << " already present; " << stats.n_runs_added << " runs added, " << stats.n_runs_matched
              << " matched\n";
    total += stats;
  }
  std::cout << "merged into " << files[0] << ": " << total.n_samples_added << " samples, " << total.n_grades_added
            << " grades, " << total.n_throughput_added << " throughput rows added\n";
  return 0;
}

}  // namespace rbench::cli
