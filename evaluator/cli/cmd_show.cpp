// rbench show: one run of a results database. Without --problem: the run's record, its per-task metrics and its
// throughput (for a run of `rbench bench`: its settings, prefill/decode rows and roofline). With --problem (and
// optionally --task, --sample): each matching sample's prompt, full trace, finish reason, and per extraction rule
// the extracted answer, the gold answer and the verdict with its reason.
#include <iostream>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/commands.h"
#include "evaluator/run_metrics.h"
#include "results/report.h"

namespace rbench::cli {

namespace {

void print_run_summary(const results::Database& db, const results::RunRecord& run) {
  auto model = db.get_model(run.model_id);
  std::cout << "run " << run.id << "  status " << run.status << "  suite " << run.suite << "\n"
            << "model   " << (model ? model->path + " (" + model->architecture + ")" : std::string("?")) << "\n"
            << "commit  " << run.git_commit << "  harness " << run.harness_version << "  device " << run.device << "\n"
            << "seed    " << run.seed << "  protocol " << run.sampling_json << "\n"
            << "started " << run.started_at << "  finished " << (run.finished_at.empty() ? "-" : run.finished_at)
            << "\n";
  if (!run.command_line.empty()) std::cout << "command " << run.command_line << "\n";
  std::cout << "\n";
  if (auto bench = db.bench_of(run.id)) {  // an `rbench bench` run: no samples, its own measures
    std::cout << results::format_bench(*bench, db.throughput_of(run.id));
    return;
  }
  std::cout << results::format_metrics_table(evaluator::score_run(db, run.id)) << "\n"
            << results::format_throughput(results::throughput_for_run(db, run.id));
}

// The text of the last user message of the stored prompt (JSON messages), or the raw prompt if it is not JSON.
std::string prompt_text(const std::string& prompt) {
  auto messages = nlohmann::json::parse(prompt, nullptr, false);
  if (!messages.is_array()) return prompt;
  std::string out;
  for (const auto& m : messages)
    if (m.is_object()) out += "[" + m.value("role", "?") + "] " + m.value("content", "") + "\n";
  return out;
}

void print_sample(const results::Database& db, const results::SampleRecord& s) {
  std::cout << "=== " << s.task << " / " << s.problem_id << " / sample " << s.sample_index << " (seed " << s.seed
            << ")\nfinish " << s.finish_reason << (s.error.empty() ? "" : " (" + s.error + ")") << ", "
            << s.n_prompt_tokens << " prompt + " << s.n_completion_tokens << " generated tokens\n"
            << "--- prompt\n" << prompt_text(s.prompt) << "--- completion\n" << s.completion << "\n--- grades\n";
  auto grades = db.grades_of_sample(s.id);
  if (grades.empty()) std::cout << "(none)\n";
  for (const auto& g : grades)
    std::cout << g.grader << "/" << g.rule << " [" << g.grader_version << "]: extracted '" << g.extracted
              << (g.canonical && *g.canonical != g.extracted ? "' (votes as '" + *g.canonical + "')" : "'")
              << ", gold '" << g.gold << "' -> " << (g.correct ? "CORRECT" : "wrong") << " (" << g.reason << ")\n";
  std::cout << "\n";
}

}  // namespace

int cmd_show(const Args& args) {
  cxxopts::Options options("rbench show", "Show a run's summary, or a sample's trace with its answer and verdict");
  options.add_options()
      ("run", "run id", cxxopts::value<int64_t>())
      ("db", "results database", cxxopts::value<std::string>()->default_value("results.sqlite"))
      ("problem", "problem id: print its traces", cxxopts::value<std::string>())
      ("task", "only this task", cxxopts::value<std::string>())
      ("sample", "only this sample index", cxxopts::value<int64_t>())
      ("h,help", "this help");
  options.parse_positional({"run"});
  options.positional_help("RUN");
  ArgvView argv("rbench show", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!opt.count("run")) {
    std::cerr << "rbench show: a run id is required\n" << options.help() << "\n";
    return 2;
  }
  auto db = open_existing_database(opt["db"].as<std::string>());
  const int64_t run_id = opt["run"].as<int64_t>();
  auto run = db.get_run(run_id);
  if (!run) throw std::runtime_error("no run " + std::to_string(run_id) + " in " + db.path());
  if (!opt.count("problem")) {
    if (opt.count("sample") || opt.count("task")) {
      std::cerr << "rbench show: --task and --sample select traces and need --problem\n";
      return 2;
    }
    print_run_summary(db, *run);
    return 0;
  }
  const std::string problem = opt["problem"].as<std::string>();
  auto task = opt.count("task") ? std::optional(opt["task"].as<std::string>()) : std::nullopt;
  int n_shown = 0;
  for (const auto& s : db.samples_of(run_id, task)) {
    if (s.problem_id != problem) continue;
    if (opt.count("sample") && s.sample_index != opt["sample"].as<int64_t>()) continue;
    print_sample(db, s);
    n_shown++;
  }
  if (n_shown == 0) {
    std::cerr << "rbench show: run " << run_id << " has no sample of problem '" << problem << "'"
              << (task ? " in task '" + *task + "'" : "")
              << (opt.count("sample") ? " with index " + std::to_string(opt["sample"].as<int64_t>()) : "") << "\n";
    return 1;
  }
  return 0;
}

}  // namespace rbench::cli
