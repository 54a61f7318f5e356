// rbench tasks: lists every registered task with its grader, problem count, source file and sha256 (short
// in the table, full in JSON). The data folder is --data-dir, else $RBENCH_DATA, else ./data. A task whose
// file is missing or malformed is listed with its error instead of failing the command; the exit code is 0
// as long as the built-in smoke task loads.
#include <cstdlib>
#include <cxxopts.hpp>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "evaluator/cli/commands.h"
#include "tasks/registry.h"

namespace rbench::cli {
namespace {

struct TaskRow {
  std::string name;
  std::optional<tasks::Task> task;  // empty when loading failed
  std::string error;
};

std::filesystem::path resolve_data_dir(const cxxopts::ParseResult& parsed) {
  if (parsed.count("data-dir")) return parsed["data-dir"].as<std::string>();
  if (const char* env = std::getenv("RBENCH_DATA"); env != nullptr && *env != '\0') return env;
  return "data";
}

void print_json(const std::filesystem::path& data_dir, const std::vector<TaskRow>& rows) {
  nlohmann::json out = {{"data_dir", data_dir.string()}, {"tasks", nlohmann::json::array()}};
  for (const auto& row : rows) {
    if (row.task) {
      out["tasks"].push_back({{"name", row.name},
                              {"version", row.task->version},
                              {"grader", row.task->grader},
                              {"problems", row.task->problems.size()},
                              {"source", row.task->source_path},
                              {"sha256", row.task->source_sha256}});
    } else {
      out["tasks"].push_back({{"name", row.name}, {"error", row.error}});
    }
  }
  std::cout << out.dump(2) << "\n";
}

void print_table(const std::filesystem::path& data_dir, const std::vector<TaskRow>& rows) {
  std::cout << "data dir: " << data_dir.string() << "\n";
  std::cout << std::left << std::setw(14) << "task" << std::setw(8) << "grader" << std::setw(9) << "version"
            << std::right << std::setw(9)
            << "problems" << "  " << std::left << std::setw(14) << "sha256" << "source\n";
  for (const auto& row : rows) {
    std::cout << std::left << std::setw(14) << row.name;
    if (row.task) {
      std::cout << std::setw(8) << row.task->grader << std::setw(9) << row.task->version << std::right
                << std::setw(9) << row.task->problems.size()
                << "  " << std::left << std::setw(14) << row.task->source_sha256.substr(0, 12)
                << row.task->source_path << "\n";
    } else {
      std::cout << "error: " << row.error << "\n";
    }
  }
}

}  // namespace

int cmd_tasks(const Args& args) {
  cxxopts::Options options("rbench tasks", "list the benchmark tasks with problem counts, source files and hashes");
  options.add_options()
      ("data-dir", "folder of the benchmark files (default: $RBENCH_DATA, else ./data)", cxxopts::value<std::string>())
      ("json", "print JSON (full hashes) instead of a table")
      ("h,help", "show this help");
  ArgvView argv("rbench tasks", args);
  const auto parsed = options.parse(argv.argc(), argv.argv());
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!parsed.unmatched().empty()) {
    std::cerr << "rbench tasks: unexpected argument '" << parsed.unmatched().front() << "'\n" << options.help() << "\n";
    return 2;
  }
  const std::filesystem::path data_dir = resolve_data_dir(parsed);

  std::vector<TaskRow> rows;
  bool smoke_loaded = false;
  for (const auto& name : tasks::task_names()) {
    TaskRow row{name, std::nullopt, ""};
    try {
      row.task = tasks::load_task(name, data_dir);
      if (name == "smoke") smoke_loaded = true;
    } catch (const std::exception& e) {
      row.error = e.what();
    }
    rows.push_back(std::move(row));
  }
  if (parsed.count("json")) {
    print_json(data_dir, rows);
  } else {
    print_table(data_dir, rows);
  }
  return smoke_loaded ? 0 : 1;
}

}  // namespace rbench::cli
