// `rbench bench --db` through the real binary on a tiny random SambaY (CPU, prompt 16 + 8 generated): each bench
// becomes a run of suite "bench" with its command line, its prefill and decode throughput rows and its bench row;
// --json still prints exactly one JSON line on stdout, the one stored; `rbench runs`, `rbench show` and
// `rbench export` read the database; a checkpoint benched with --model is recorded by its path and hashes, the
// model row an evaluation of it (`rbench run`) then shares.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "results/database.h"
#include "tests/e2e/process.h"

namespace rbench::evaluator {
namespace {

using e2e::fresh_dir;
using e2e::rbench_bin;
using e2e::run_command;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(EvaluatorBenchCli, BenchRunsAreStoredAndReadBackByRunsShowAndExport) {
  const std::filesystem::path dir = fresh_dir("bench-db");
  const std::string model = (dir / "tiny").string();
  const std::string db_path = (dir / "results.sqlite").string();
  ASSERT_EQ(run_command({rbench_bin(), "make-tiny", "--out", model, "--layers", "4"}).exit_code, 0);
  const std::string config = model + "/config.json";
  const std::vector<std::string> shape = {"--device", "cpu", "--prompt-len", "16", "--gen-len", "8"};
  auto bench = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {rbench_bin(), "bench"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), shape.begin(), shape.end());
    argv.insert(argv.end(), {"--db", db_path});
    return run_command(argv);
  };

  // 1: the readable summary; 2: --json at two sequences with a sweep; 3: the checkpoint itself.
  const auto summary = bench({"--random-weights", "--config", config});
  ASSERT_EQ(summary.exit_code, 0) << summary.output;
  EXPECT_TRUE(contains(summary.output, "roofline")) << summary.output;
  const auto json_run = bench({"--random-weights", "--config", config, "--json", "--concurrency", "2",
                               "--sweep", "12,20", "--sweep-steps", "2"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.output;
  ASSERT_FALSE(json_run.output.empty());
  EXPECT_EQ(json_run.output.find('\n'), json_run.output.size() - 1) << "stdout must stay one JSON line";
  const nlohmann::json printed = nlohmann::json::parse(json_run.output);
  for (const char* key : {"arch", "device", "concurrency", "prefill_tokens_per_s", "decode_tokens_per_s",
                          "ms_per_output_token", "peak_memory_gib", "roofline_tokens_per_s", "roofline_fraction",
                          "weight_bytes_per_step", "state_bytes_per_step", "sweep"}) {
    EXPECT_TRUE(printed.contains(key)) << key;
  }
  const auto checkpoint = bench({"--model", model});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.output;

  {
    results::Database db(db_path);
    const auto runs = db.list_runs();
    ASSERT_EQ(runs.size(), 3u);
    for (const auto& run : runs) {
      EXPECT_EQ(run.suite, "bench");
      EXPECT_EQ(run.status, "complete");
      EXPECT_EQ(run.device, "cpu float32");
      EXPECT_FALSE(run.finished_at.empty());
      EXPECT_LE(run.started_at, run.finished_at);
      EXPECT_EQ(run.command_line.rfind("rbench bench ", 0), 0u) << run.command_line;
      ASSERT_TRUE(db.bench_of(run.id).has_value()) << "run " << run.id;
      const auto phases = db.throughput_of(run.id);
      ASSERT_EQ(phases.size(), 2u);
      EXPECT_EQ(phases[0].phase, "prefill");
      EXPECT_EQ(phases[0].tokens, 16);
      EXPECT_GT(phases[0].seconds, 0);
      EXPECT_EQ(phases[1].phase, "decode");
      EXPECT_EQ(phases[1].decode_steps, 7);  // gen_len - 1 steps after the token the prefill samples
    }
    EXPECT_TRUE(contains(runs[1].command_line, "--concurrency 2 --sweep 12,20")) << runs[1].command_line;

    // The --json run: the stored JSON is the printed line, the rows agree with it.
    const results::BenchRecord stored = *db.bench_of(runs[1].id);
    EXPECT_EQ(nlohmann::json::parse(stored.result_json), printed);
    EXPECT_EQ(stored.concurrency, 2);
    EXPECT_EQ(stored.prompt_len, 16);
    EXPECT_EQ(stored.gen_len, 8);
    EXPECT_DOUBLE_EQ(stored.decode_tokens_per_s, printed["decode_tokens_per_s"].get<double>());
    EXPECT_DOUBLE_EQ(stored.roofline_fraction, printed["roofline_fraction"].get<double>());
    EXPECT_DOUBLE_EQ(stored.ms_per_output_token, printed["ms_per_output_token"].get<double>());
    EXPECT_DOUBLE_EQ(stored.weight_bytes_per_step, printed["weight_bytes_per_step"].get<double>());
    EXPECT_GT(stored.roofline_tokens_per_s, 0);
    const auto decode = db.throughput_of(runs[1].id)[1];
    EXPECT_EQ(decode.batch, 2);
    EXPECT_EQ(decode.max_in_flight, 2);
    EXPECT_EQ(decode.tokens, 14);
    EXPECT_NEAR(static_cast<double>(decode.tokens) / decode.seconds, stored.decode_tokens_per_s,
                1e-9 * stored.decode_tokens_per_s);
    const nlohmann::json settings = nlohmann::json::parse(runs[1].sampling_json);
    EXPECT_EQ(settings["concurrency"], "2");
    EXPECT_EQ(settings["sweep"], nlohmann::json({12, 20}));

    // Random weights are identified by their config; the checkpoint by its path and the hash of its weights.
    const auto random_model = db.get_model(runs[0].model_id);
    ASSERT_TRUE(random_model.has_value());
    EXPECT_EQ(runs[0].model_id, runs[1].model_id);
    EXPECT_TRUE(contains(random_model->path, "config.json")) << random_model->path;
    EXPECT_EQ(random_model->architecture, "phi4flash");
    EXPECT_GT(random_model->n_params, 0);
    const auto checkpoint_model = db.get_model(runs[2].model_id);
    ASSERT_TRUE(checkpoint_model.has_value());
    EXPECT_EQ(checkpoint_model->path, std::filesystem::absolute(model).lexically_normal().string());
    EXPECT_EQ(checkpoint_model->weights_sha256.size(), 64u);
    EXPECT_EQ(checkpoint_model->config_sha256.size(), 64u);
  }

  const auto runs_table = run_command({rbench_bin(), "runs", "--db", db_path});
  ASSERT_EQ(runs_table.exit_code, 0);
  EXPECT_TRUE(contains(runs_table.output, "prompt 16 + gen 8 x2: decode ")) << runs_table.output;
  EXPECT_TRUE(contains(runs_table.output, "prompt 16 + gen 8 x1: decode ")) << runs_table.output;

  const auto runs_json = run_command({rbench_bin(), "runs", "--db", db_path, "--json"});
  ASSERT_EQ(runs_json.exit_code, 0);
  const nlohmann::json listed = nlohmann::json::parse(runs_json.output);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[1]["bench"]["concurrency"], 2);
  EXPECT_EQ(listed[1]["bench"]["result"], printed);
  EXPECT_TRUE(contains(listed[1]["command_line"].get<std::string>(), "--json")) << listed[1];

  const auto shown = run_command({rbench_bin(), "show", "2", "--db", db_path});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  for (const char* expected : {"suite bench", "command rbench bench", "--concurrency 2", "prefill", "decode",
                               "time per output token (ms)", "peak GPU memory (GiB)", "sequences in flight",
                               "roofline tokens/s", "achieved fraction of roofline", "context"}) {
    EXPECT_TRUE(contains(shown.output, expected)) << expected << " in\n" << shown.output;
  }

  for (const char* format : {"md", "csv", "json", "html"}) {
    const auto exported = run_command({rbench_bin(), "export", "--db", db_path, "--format", format});
    EXPECT_EQ(exported.exit_code, 0) << format;
    EXPECT_FALSE(exported.output.empty()) << format;
  }
  const auto exported = run_command({rbench_bin(), "export", "--db", db_path, "--format", "json"});
  EXPECT_TRUE(nlohmann::json::parse(exported.output)["rows"].empty()) << "bench runs are not leaderboard rows";

  // An evaluation of the same checkpoint shares the bench's model row (same sha256s as the engine computes), and
  // the leaderboard holds that evaluation, not the newer-or-older bench runs.
  const auto evaluated = run_command({rbench_bin(), "run", "--model", model, "--suite", "smoke", "--max-tokens", "4",
                                      "--data-dir", e2e::env_or_throw("RBENCH_TEST_DATA"), "--db", db_path});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
  {
    results::Database db(db_path);
    const auto runs = db.list_runs();
    ASSERT_EQ(runs.size(), 4u);
    EXPECT_EQ(runs[3].suite, "smoke");
    EXPECT_EQ(runs[3].model_id, runs[2].model_id);
    EXPECT_EQ(db.list_models().size(), 2u);
  }
  const auto board = nlohmann::json::parse(
      run_command({rbench_bin(), "export", "--db", db_path, "--format", "json"}).output);
  ASSERT_EQ(board["rows"].size(), 1u) << board.dump(2);
  EXPECT_EQ(board["rows"][0]["run"]["suite"], "smoke") << board.dump(2);
}

}  // namespace
}  // namespace rbench::evaluator
