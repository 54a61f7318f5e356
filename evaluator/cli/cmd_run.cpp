// rbench run: evaluate a checkpoint on a suite. Plans problems x samples, skips what the database already holds,
// generates with the runtime, grades in the sandbox pool while generating, commits each sample as it finishes,
// and prints the accuracy and throughput tables. The same command after a crash or Ctrl-C continues the run.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <cxxopts.hpp>

#include "evaluator/cli/cli_support.h"
#include "evaluator/cli/bench_records.h"
#include "evaluator/cli/commands.h"
#include "evaluator/cli/context_fit.h"
#include "evaluator/cli/database_lock.h"
#include "evaluator/device_plan.h"
#include "evaluator/pool_grading.h"
#include "evaluator/runner.h"
#include "evaluator/runtime_adapter.h"
#include "rbench_version.h"
#include "results/database.h"
#include "results/report.h"
#include "tasks/registry.h"

namespace rbench::cli {

namespace {

std::atomic<bool> g_stop{false};  // set by the first Ctrl-C; the second one ends the process at once

extern "C" void on_sigint(int) {
  if (g_stop.exchange(true)) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

// The pass@k values worth reporting for n samples per problem: 1, then powers of two up to n, and n itself.
std::vector<int64_t> pass_ks_for(int64_t n_samples) {
  std::vector<int64_t> ks;
  for (int64_t k = 1; k <= n_samples; k *= 2) ks.push_back(k);
  if (ks.back() != n_samples) ks.push_back(n_samples);
  return ks;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// --suite: a preset name ("paper", "smoke") or a comma list of task names (one sample each unless --samples).
evaluator::RunConfig config_from_suite(const std::string& suite) {
  if (auto p = evaluator::preset(suite)) return *p;
  evaluator::RunConfig c;
  c.suite = suite;
  auto known = tasks::task_names();
  for (const auto& name : split_commas(suite)) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += " " + k;
      throw std::invalid_argument("unknown task or suite '" + name + "'; known tasks:" + list + "; presets: paper smoke");
    }
    c.tasks.push_back({name, 1});
  }
  if (c.tasks.empty()) throw std::invalid_argument("--suite names no task");
  return c;
}

}  // namespace

int cmd_run(const Args& args) {
  cxxopts::Options options("rbench run", "Evaluate a checkpoint on a suite (resumable)");
  options.add_options()
      ("model", "checkpoint directory (HF layout)", cxxopts::value<std::string>())
      ("suite", "preset (paper, smoke) or comma list of tasks (math500,aime24,aime25,gpqa_diamond,smoke)",
       cxxopts::value<std::string>())
      ("suite-file", "JSON suite file (tasks with sample counts, sampling, seed); flags given too override it",
       cxxopts::value<std::string>())
      ("samples", "samples per problem for every task", cxxopts::value<int>())
      ("temperature", "sampling temperature (0 = greedy)", cxxopts::value<double>())
      ("top-p", "nucleus sampling", cxxopts::value<double>())
      ("top-k", "top-k sampling (0 = off)", cxxopts::value<int>())
      ("min-p", "min-p sampling (0 = off)", cxxopts::value<double>())
      ("max-tokens", "max new tokens per sample", cxxopts::value<int>())
      ("seed", "run seed (per-sample seeds derive from it)", cxxopts::value<uint64_t>())
      ("limit", "first N problems of each task", cxxopts::value<int>())
      ("db", "results database", cxxopts::value<std::string>()->default_value("results.sqlite"))
      ("device", "cpu, cuda (one engine per visible GPU) or cuda:N", cxxopts::value<std::string>())
      ("devices", "comma list of devices, one engine each (cuda:0,cuda:1; cpu,cpu)", cxxopts::value<std::string>())
      ("max-batch", "sequences in flight per engine: N or max (default: 8 on cpu, max on cuda)",
       cxxopts::value<std::string>())
      ("data-dir", "benchmark files (default $RBENCH_DATA, else ./data)", cxxopts::value<std::string>())
      ("shard", "I/N: run the I-th of N deterministic slices (default from SLURM / Kubernetes indices)",
       cxxopts::value<std::string>())
      ("chat-template", "override the chat template (phi4-flash, phi4-mini-reasoning, plain)",
       cxxopts::value<std::string>())
      ("graders", "grading worker processes", cxxopts::value<int>()->default_value("2"))
      ("quiet", "no progress bars")
      ("h,help", "this help");
  ArgvView argv("rbench run", args);
  auto opt = options.parse(argv.argc(), argv.argv());
  if (opt.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!opt.count("model") || (!opt.count("suite") && !opt.count("suite-file"))) {
    std::cerr << "rbench run: --model and --suite (or --suite-file) are required\n" << options.help() << "\n";
    return 2;
  }

  evaluator::RunConfig config = opt.count("suite") ? config_from_suite(opt["suite"].as<std::string>())
                                                   : evaluator::RunConfig{};
  if (opt.count("suite-file")) config = evaluator::read_suite_file(opt["suite-file"].as<std::string>(), config);
  if (opt.count("samples"))
    for (auto& t : config.tasks) t.n_samples = opt["samples"].as<int>();
  if (opt.count("temperature")) config.sampling.temperature = opt["temperature"].as<double>();
  if (opt.count("top-p")) config.sampling.top_p = opt["top-p"].as<double>();
  if (opt.count("top-k")) config.sampling.top_k = opt["top-k"].as<int>();
  if (opt.count("min-p")) config.sampling.min_p = opt["min-p"].as<double>();
  if (opt.count("max-tokens")) config.sampling.max_new_tokens = opt["max-tokens"].as<int>();
  if (opt.count("seed")) config.seed = opt["seed"].as<uint64_t>();
  if (opt.count("limit")) config.limit = opt["limit"].as<int>();
  if (opt.count("device")) config.device = opt["device"].as<std::string>();
  const auto devices_flag = opt.count("devices") ? std::optional(opt["devices"].as<std::string>()) : std::nullopt;
  const std::vector<std::string> devices =
      evaluator::plan_devices(config.device, devices_flag,
                              config.device == "cuda" ? evaluator::count_visible_gpus(std::getenv("CUDA_VISIBLE_DEVICES")) : 1);
  if (opt.count("max-batch") || config.max_batch < 1)  // the flag, else the suite file's, else the device's default
    config.max_batch = evaluator::plan_max_batch(
        opt.count("max-batch") ? std::optional(opt["max-batch"].as<std::string>()) : std::nullopt, devices.front());
  config.model_dir = opt["model"].as<std::string>();
  config.db_path = opt["db"].as<std::string>();
  config.data_dir = resolve_data_dir(opt.count("data-dir") ? std::optional(opt["data-dir"].as<std::string>()) : std::nullopt);
  config.shard = evaluator::parse_shard(resolve_shard(opt.count("shard") ? std::optional(opt["shard"].as<std::string>()) : std::nullopt));
  for (const auto& t : config.tasks)
    if (t.n_samples < 1) throw std::invalid_argument("--samples must be at least 1");
  if (config.sampling.max_new_tokens < 1) throw std::invalid_argument("--max-tokens must be at least 1");

  // Everything that can fail on bad input fails before anything is written.
  std::vector<tasks::Task> loaded;
  for (const auto& sel : config.tasks) loaded.push_back(tasks::load_task(sel.name, config.data_dir));
  const auto chat_template =
      opt.count("chat-template") ? std::optional(opt["chat-template"].as<std::string>()) : std::nullopt;
  auto generator = evaluator::open_runtime_generators(
      {config.model_dir, devices.front(), config.max_batch, chat_template}, devices);
  check_prompts_fit_context(config.model_dir, chat_template, loaded, config.limit, config.sampling.max_new_tokens);
  graders::sandbox::PoolOptions pool_options;
  pool_options.worker_exe = grader_worker_path();
  pool_options.n_workers = opt["graders"].as<int>();
  graders::sandbox::GraderPool pool(pool_options);
  evaluator::PoolGrading grading(pool);
  DatabaseRunLock run_lock(config.db_path, std::cerr);
  results::Database db(config.db_path.string());

  std::signal(SIGINT, on_sigint);
  evaluator::Progress progress(stderr_is_tty() && !opt.count("quiet"));
  evaluator::RunContext context{RBENCH_GIT_COMMIT, RBENCH_VERSION, &g_stop, shell_command_line("rbench run", args)};
  auto out = evaluator::run_evaluation(config, loaded, *generator, grading, db, progress, context);

  std::cout << "run " << out.run_id << (out.resumed ? " (resumed)" : "") << ": " << out.n_generated
            << " samples generated now, " << out.n_already_done << " already stored, " << out.n_planned
            << " planned; " << out.n_errors << " errors, " << out.n_truncated << " truncated; "
            << static_cast<int64_t>(out.seconds) << " s" << (out.interrupted ? "; INTERRUPTED (run again to resume)" : "")
            << "\n\n";
  results::MetricsOptions metrics;
  int64_t max_samples = 1;
  for (const auto& t : config.tasks) max_samples = std::max<int64_t>(max_samples, t.n_samples);
  metrics.pass_ks = pass_ks_for(max_samples);
  metrics.rule = std::string(graders::kPrimaryRule);
  std::cout << results::format_metrics_table(results::metrics_for_run(db, out.run_id, metrics)) << "\n"
            << results::format_throughput(results::throughput_for_run(db, out.run_id));
  return out.interrupted ? 130 : 0;
}

}  // namespace rbench::cli
