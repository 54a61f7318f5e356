// rbench grade: grades predictions against gold answers through the sandboxed grader pool (never in this
// process: model output is untrusted). One request from flags, or a JSONL stream of {"task","gold","pred"}
// lines answered by one verdict line each, in input order; a malformed line gets an error verdict naming its
// line number. The rbench-grader worker is found next to this binary.
//   rbench grade --task math|aime|gpqa --gold G --pred P
//   rbench grade --jsonl FILE|-  [--workers N] [--timeout S] [--memory-mb M] [--cpu-seconds S]
#include <cxxopts.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <variant>

#include "evaluator/cli/commands.h"
#include "graders/sandbox/pool.h"
#include "graders/verdict.h"

namespace rbench::cli {
namespace {

using graders::Verdict;
using PendingVerdicts = std::variant<std::vector<Verdict>, std::future<std::vector<Verdict>>>;

// Verdict lines waiting to be printed, per worker: bounds memory on long streams while keeping workers busy.
constexpr std::size_t kInFlightPerWorker = 32;

std::filesystem::path worker_next_to_this_binary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot locate the rbench binary through /proc/self/exe: " + ec.message());
  return self.parent_path() / "rbench-grader";
}

nlohmann::json verdict_json(const Verdict& v) {
  nlohmann::json j = {{"correct", v.correct}, {"extracted", v.extracted}, {"rule", v.rule}, {"reason", v.reason}};
  if (!v.detail.empty()) j["detail"] = v.detail;
  return j;
}

// The primary rule's verdict at the top level, every rule's verdict under "rules".
std::string verdict_line(const std::vector<Verdict>& verdicts) {
  nlohmann::json line = verdicts.empty() ? nlohmann::json::object() : verdict_json(verdicts.front());
  line["rules"] = nlohmann::json::array();
  for (const Verdict& v : verdicts) line["rules"].push_back(verdict_json(v));
  line["grader_version"] = std::string(graders::kGraderVersion);
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Verdict> bad_line(std::size_t number, const std::string& why) {
  return graders::sandbox::failure_verdicts(graders::reason::kBadRequest,
                                            "input line " + std::to_string(number) + ": " + why);
}

PendingVerdicts submit_line(graders::sandbox::GraderPool& pool, const std::string& line, std::size_t number) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const std::exception& e) {
    return bad_line(number, std::string("not JSON: ") + e.what());
  }
  for (const char* field : {"task", "gold", "pred"}) {
    if (!j.is_object() || !j.contains(field) || !j[field].is_string()) {
      return bad_line(number, std::string("missing string field \"") + field + "\"");
    }
  }
  return pool.submit({j["task"].get<std::string>(), j["gold"].get<std::string>(), j["pred"].get<std::string>()});
}

void print_front(std::deque<PendingVerdicts>& pending) {
  PendingVerdicts& front = pending.front();
  const std::vector<Verdict> verdicts = std::holds_alternative<std::vector<Verdict>>(front)
                                            ? std::get<std::vector<Verdict>>(front)
                                            : std::get<std::future<std::vector<Verdict>>>(front).get();
  std::cout << verdict_line(verdicts) << "\n";
  pending.pop_front();
}

int grade_stream(graders::sandbox::GraderPool& pool, std::istream& in, std::size_t n_workers) {
  std::deque<PendingVerdicts> pending;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    pending.push_back(submit_line(pool, line, number));
    while (pending.size() > kInFlightPerWorker * n_workers) print_front(pending);
  }
  while (!pending.empty()) print_front(pending);
  std::cout.flush();
  return 0;
}

}  // namespace

int cmd_grade(const Args& args) {
  cxxopts::Options options("rbench grade", "Grade predictions against gold answers in the sandboxed grader pool");
  options.add_options()
      ("task", "grader: math, aime or gpqa", cxxopts::value<std::string>())
      ("gold", "gold answer", cxxopts::value<std::string>())
      ("pred", "model output to grade", cxxopts::value<std::string>())
      ("jsonl", "JSONL file of {\"task\",\"gold\",\"pred\"} lines, or - for stdin", cxxopts::value<std::string>())
      ("workers", "grader worker processes", cxxopts::value<int>()->default_value("2"))
      ("timeout", "wall-clock seconds per request", cxxopts::value<double>()->default_value("10"))
      ("memory-mb", "address-space limit per worker (MiB)", cxxopts::value<std::size_t>()->default_value("2048"))
      ("cpu-seconds", "CPU seconds per request", cxxopts::value<double>()->default_value("8"))
      ("h,help", "show this help");
  try {
    ArgvView argv("rbench grade", args);
    const auto parsed = options.parse(argv.argc(), argv.argv());
    if (parsed.count("help")) {
      std::cout << options.help() << "\n";
      return 0;
    }
    const bool single = parsed.count("task") || parsed.count("gold") || parsed.count("pred");
    if (single == static_cast<bool>(parsed.count("jsonl"))) {
      std::cerr << "rbench grade: give either --task, --gold and --pred, or --jsonl FILE|-\n" << options.help();
      return 2;
    }
    if (single && !(parsed.count("task") && parsed.count("gold") && parsed.count("pred"))) {
      std::cerr << "rbench grade: --task, --gold and --pred go together\n";
      return 2;
    }
    graders::sandbox::PoolOptions pool_options;
    pool_options.worker_exe = worker_next_to_this_binary();
    pool_options.n_workers = single ? 1 : parsed["workers"].as<int>();
    pool_options.timeout_seconds = parsed["timeout"].as<double>();
    pool_options.memory_limit_bytes = parsed["memory-mb"].as<std::size_t>() << 20;
    pool_options.cpu_seconds = parsed["cpu-seconds"].as<double>();
    graders::sandbox::GraderPool pool(pool_options);
    if (single) {
      const auto verdicts = pool.submit({parsed["task"].as<std::string>(), parsed["gold"].as<std::string>(),
                                         parsed["pred"].as<std::string>()}).get();
      std::cout << verdict_line(verdicts) << "\n";
      return 0;
    }
    const std::string source = parsed["jsonl"].as<std::string>();
    if (source == "-") return grade_stream(pool, std::cin, static_cast<std::size_t>(pool_options.n_workers));
    std::ifstream file(source);
    if (!file) {
      std::cerr << "rbench grade: cannot open " << source << "\n";
      return 1;
    }
    return grade_stream(pool, file, static_cast<std::size_t>(pool_options.n_workers));
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "rbench grade: " << e.what() << "\n" << options.help();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rbench grade: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rbench::cli
