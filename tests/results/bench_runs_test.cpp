// Bench runs in the results database (schema version 4): one `rbench bench` measurement stored as a run with its
// prefill/decode throughput rows and its bench_results row in one transaction, read back field by field (NULL for
// a value that was not finite), listed by run_overviews and the runs table, rendered by format_bench and
// to_json; a version-3 database (before bench runs) keeps its rows and takes bench runs after migrating.
#include <gtest/gtest.h>

#include <cmath>

#include "results/json_export.h"
#include "results/migrations.h"
#include "results/report.h"
#include "test_database.h"

namespace rbench::results {
namespace {

using testing::fresh_database_path;
using testing::RawConnection;

struct BenchRows {
  ModelRecord model;
  RunRecord run;
  std::vector<ThroughputRecord> phases;
  BenchRecord bench;
};

BenchRows bench_rows() {
  BenchRows rows;
  rows.model = testing::make_model("random weights: /tmp/tiny/config.json");
  rows.model.weights_sha256 = "random, seed 0";
  rows.run.suite = "bench";
  rows.run.sampling_json = R"({"bench":true,"prompt_len":16,"gen_len":8,"concurrency":"2"})";
  rows.run.git_commit = "abc";
  rows.run.harness_version = "0.1.0";
  rows.run.device = "cuda:0 bfloat16";
  rows.run.started_at = "2026-11-22T20:00:00.000Z";
  rows.run.status = "complete";
  rows.run.command_line = "rbench bench --prompt-len 16 --gen-len 8 --concurrency 2 --db x.sqlite";
  ThroughputRecord prefill{0, 0, "prefill", 16, 0.5, 1, "cuda:0 bfloat16"};
  ThroughputRecord decode{0, 0, "decode", 14, 0.25, 2, "cuda:0 bfloat16"};
  decode.decode_steps = 7;
  decode.max_in_flight = 2;
  decode.graphs_captured = 1;
  rows.phases = {prefill, decode};
  BenchRecord& b = rows.bench;
  b.dtype = "bfloat16";
  b.prompt_len = 16;
  b.gen_len = 8;
  b.concurrency = 2;
  b.capacity = 24;
  b.cuda_graphs = true;
  b.prefill_tokens_per_s = 32;
  b.decode_tokens_per_s = 56;
  b.ms_per_output_token = 35.7;
  b.peak_memory_gib = 1.25;
  b.state_gib_per_sequence = 0.125;
  b.copy_bandwidth_gbs = 2800;
  b.matmul_tflops = std::nan("");  // not measured: stored as NULL, read back as NaN
  b.weight_bytes_per_step = 7.5e9;
  b.state_bytes_per_step = 2.5e8;
  b.roofline_tokens_per_s = 700;
  b.roofline_fraction = 0.08;
  b.result_json = R"({"decode_tokens_per_s":56,"sweep":[{"context":8.5,"step_seconds":0.002,"tokens_per_s":1000,)"
                  R"("roofline_fraction":0.5}]})";
  return rows;
}

TEST(ResultsBenchRuns, StoredWithPhasesAndMeasuresAndReadBack) {
  const std::string path = fresh_database_path("bench_runs_stored");
  Database db(path);
  const BenchRows rows = bench_rows();
  const int64_t run_id = db.insert_bench_run(rows.model, rows.run, rows.phases, rows.bench);

  const auto run = db.get_run(run_id);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->suite, "bench");
  EXPECT_EQ(run->status, "complete");
  EXPECT_EQ(run->started_at, "2026-11-22T20:00:00.000Z");
  EXPECT_FALSE(run->finished_at.empty()) << "a complete bench run is stamped finished";
  EXPECT_EQ(run->command_line, rows.run.command_line);
  const auto model = db.get_model(run->model_id);
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->path, "random weights: /tmp/tiny/config.json");

  const auto phases = db.throughput_of(run_id);
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].phase, "prefill");
  EXPECT_EQ(phases[0].tokens, 16);
  EXPECT_EQ(phases[1].phase, "decode");
  EXPECT_EQ(phases[1].batch, 2);
  EXPECT_EQ(phases[1].decode_steps, 7);
  EXPECT_EQ(phases[1].graphs_captured, 1);

  const auto bench = db.bench_of(run_id);
  ASSERT_TRUE(bench.has_value());
  EXPECT_EQ(bench->run_id, run_id);
  EXPECT_EQ(bench->dtype, "bfloat16");
  EXPECT_EQ(bench->concurrency, 2);
  EXPECT_EQ(bench->capacity, 24);
  EXPECT_TRUE(bench->cuda_graphs);
  EXPECT_DOUBLE_EQ(bench->decode_tokens_per_s, 56);
  EXPECT_DOUBLE_EQ(bench->ms_per_output_token, 35.7);
  EXPECT_DOUBLE_EQ(bench->peak_memory_gib, 1.25);
  EXPECT_DOUBLE_EQ(bench->weight_bytes_per_step, 7.5e9);
  EXPECT_DOUBLE_EQ(bench->roofline_tokens_per_s, 700);
  EXPECT_DOUBLE_EQ(bench->roofline_fraction, 0.08);
  EXPECT_TRUE(std::isnan(bench->matmul_tflops));
  EXPECT_EQ(bench->result_json, rows.bench.result_json);
  RawConnection raw(path);
  EXPECT_EQ(raw.query_int("SELECT count(*) FROM bench_results WHERE matmul_tflops IS NULL"), 1);

  const auto overviews = db.run_overviews();
  ASSERT_EQ(overviews.size(), 1u);
  ASSERT_TRUE(overviews[0].bench.has_value());
  EXPECT_EQ(overviews[0].n_samples, 0);
}

TEST(ResultsBenchRuns, AFailedWriteLeavesNoPartOfTheRun) {
  Database db(":memory:");
  BenchRows rows = bench_rows();
  rows.bench.concurrency = 0;  // violates bench_results' CHECK after the model, run and phases were written
  EXPECT_THROW(db.insert_bench_run(rows.model, rows.run, rows.phases, rows.bench), DatabaseError);
  EXPECT_TRUE(db.list_runs().empty());
  EXPECT_TRUE(db.list_models().empty());
  EXPECT_TRUE(db.throughput_of(1).empty());
}

TEST(ResultsBenchRuns, EvaluationRunsHaveNoBenchRow) {
  Database db(":memory:");
  const int64_t run_id = db.insert_run(testing::make_run(db.upsert_model(testing::make_model())));
  EXPECT_FALSE(db.bench_of(run_id).has_value());
  EXPECT_FALSE(db.run_overviews()[0].bench.has_value());
  EXPECT_EQ(db.get_run(run_id)->command_line, "");
}

TEST(ResultsBenchRuns, RunsTableShowTableAndJsonNameTheMeasures) {
  Database db(":memory:");
  const BenchRows rows = bench_rows();
  const int64_t run_id = db.insert_bench_run(rows.model, rows.run, rows.phases, rows.bench);
  const std::string runs = format_runs(db.run_overviews());
  EXPECT_NE(runs.find("prompt 16 + gen 8 x2: decode 56.0 tok/s"), std::string::npos) << runs;

  const std::string shown = format_bench(*db.bench_of(run_id), db.throughput_of(run_id));
  for (const char* expected : {"prefill", "decode", "56.0", "time per output token (ms)", "35.700",
                               "peak GPU memory (GiB)", "1.25", "roofline tokens/s", "700.0",
                               "achieved fraction of roofline", "8.0%", "sequences in flight", "2.000"}) {
    EXPECT_NE(shown.find(expected), std::string::npos) << expected << " in\n" << shown;
  }
  EXPECT_NE(shown.find("50.0%"), std::string::npos) << "the sweep point from result_json\n" << shown;

  const nlohmann::json j = *db.bench_of(run_id);
  EXPECT_EQ(j["concurrency"], 2);
  EXPECT_TRUE(j["matmul_tflops"].is_null());
  EXPECT_EQ(j["result"]["sweep"][0]["tokens_per_s"], 1000);
  const nlohmann::json run = *db.get_run(run_id);
  EXPECT_EQ(run["command_line"], rows.run.command_line);
}

// A database written before bench runs existed (schema version 3, with an evaluation run and its throughput)
// migrates to version 4 with every row kept, and then stores a bench run beside the old one.
TEST(ResultsBenchRuns, VersionThreeDatabaseKeepsItsRunAndTakesBenchRuns) {
  const std::string path = fresh_database_path("bench_runs_from_v3");
  {
    RawConnection raw(path);
    for (const Migration& migration : migrations()) {
      if (migration.version > 3) break;
      ASSERT_EQ(raw.execute(std::string(migration.sql)), SQLITE_OK) << sqlite3_errmsg(raw.handle());
    }
    ASSERT_EQ(raw.execute("PRAGMA user_version = 3;"
                          "INSERT INTO models (id, path, architecture, config_sha256, weights_sha256, n_params) "
                          "VALUES (1, '/m', 'sambay', 'c', 'w', 10);"
                          "INSERT INTO runs (id, model_id, suite, sampling_json, seed, git_commit, harness_version, "
                          "device, started_at, finished_at, status) VALUES (1, 1, 'smoke', '{}', 7, 'abc', '0.1.0', "
                          "'cpu float32', '2026-11-01T00:00:00Z', '2026-11-01T00:01:00Z', 'complete');"
                          "INSERT INTO throughput (run_id, phase, tokens, seconds, batch, device, decode_steps, "
                          "max_in_flight) VALUES (1, 'decode', 100, 2.0, 4, 'cpu float32', 25, 4);"),
              SQLITE_OK)
        << sqlite3_errmsg(raw.handle());
  }
  Database db(path);
  EXPECT_EQ(db.schema_version(), 4);
  EXPECT_EQ(db.integrity_check(), "ok");
  const auto old_run = db.get_run(1);
  ASSERT_TRUE(old_run.has_value());
  EXPECT_EQ(old_run->status, "complete");
  EXPECT_EQ(old_run->finished_at, "2026-11-01T00:01:00Z");
  EXPECT_EQ(old_run->command_line, "") << "runs from before version 4 have no recorded command line";
  EXPECT_FALSE(db.bench_of(1).has_value());
  ASSERT_EQ(db.throughput_of(1).size(), 1u);
  EXPECT_EQ(db.throughput_of(1)[0].decode_steps, 25);

  const BenchRows rows = bench_rows();
  const int64_t bench_run = db.insert_bench_run(rows.model, rows.run, rows.phases, rows.bench);
  EXPECT_EQ(bench_run, 2);
  const auto overviews = db.run_overviews();
  ASSERT_EQ(overviews.size(), 2u);
  EXPECT_FALSE(overviews[0].bench.has_value());
  ASSERT_TRUE(overviews[1].bench.has_value());
  EXPECT_DOUBLE_EQ(overviews[1].bench->roofline_fraction, 0.08);
  EXPECT_EQ(db.throughput_of(1).size(), 1u) << "the old run's rows are untouched";
}

}  // namespace
}  // namespace rbench::results
