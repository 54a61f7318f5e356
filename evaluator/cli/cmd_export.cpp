// rbench export: the leaderboard of a results database (rows: models, each with its newest run; columns: tasks,
// speed and length) with protocol and provenance, as Markdown, HTML (one self-contained file with inline SVG
// charts), CSV or JSON, to stdout or --out.
#include <fstream>
#include <iostream>

#include <cxxopts.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/commands.h"
#include "evaluator/html_report.h"
#include "evaluator/leaderboard.h"
#include "evaluator/leaderboard_formats.h"

namespace rbench::cli {

int cmd_export(const Args& args) {
  cxxopts::Options options("rbench export", "Export the leaderboard of a results database");
  options.add_options()
      ("db", "results database", cxxopts::value<std::string>()->default_value("results.sqlite"))
      ("format", "md, html, csv or json", cxxopts::value<std::string>()->default_value("md"))
      ("out", "output file (default: stdout)", cxxopts::value<std::string>())
      ("h,help", "this help");
  ArgvView argv("rbench export", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  const std::string format = opt["format"].as<std::string>();
  if (format != "md" && format != "html" && format != "csv" && format != "json") {
    std::cerr << "rbench export: --format must be md, html, csv or json, not '" << format << "'\n";
    return 2;
  }
  auto db = open_existing_database(opt["db"].as<std::string>());
  const auto board = evaluator::build_leaderboard(db);
  std::string text = format == "md"     ? evaluator::leaderboard_markdown(board)
                     : format == "html" ? evaluator::leaderboard_html(board)
                     : format == "csv"  ? evaluator::leaderboard_csv(board)
                                        : evaluator::leaderboard_json(board).dump(2) + "\n";
  if (!opt.count("out")) {
    std::cout << text;
    return 0;
  }
  const std::string path = opt["out"].as<std::string>();
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write '" + path + "'");
  std::cerr << "wrote " << path << " (" << board.rows.size() << " models, " << board.tasks.size() << " tasks)\n";
  return 0;
}

}  // namespace rbench::cli
