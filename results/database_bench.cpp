// Bench runs in the results database: one `rbench bench` measurement stored as a run with its throughput rows and
// its bench_results row in one transaction, and the bench row read back. See Database in database.h.
#include <array>
#include <cmath>
#include <iterator>
#include <string>

#include "results/database.h"
#include "results/sqlite_statement.h"

namespace rbench::results {
namespace {

constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// The measured values in column order (after run_id, dtype, prompt_len, gen_len, concurrency, capacity,
// cuda_graphs): one list used by the insert and the read so the two cannot drift apart.
constexpr const char* kMeasuredColumns[] = {
    "prefill_tokens_per_s", "decode_tokens_per_s", "ms_per_output_token", "peak_memory_gib",
    "state_gib_per_sequence", "copy_bandwidth_gbs", "matmul_tflops", "weight_bytes_per_step",
    "state_bytes_per_step", "roofline_tokens_per_s", "roofline_fraction"};
constexpr int kFirstMeasured = 7;

template <typename Record>
auto measured_fields(Record& bench) {
  return std::array{&bench.prefill_tokens_per_s,   &bench.decode_tokens_per_s,   &bench.ms_per_output_token,
                    &bench.peak_memory_gib,        &bench.state_gib_per_sequence, &bench.copy_bandwidth_gbs,
                    &bench.matmul_tflops,          &bench.weight_bytes_per_step,  &bench.state_bytes_per_step,
                    &bench.roofline_tokens_per_s,  &bench.roofline_fraction};
}

std::string bench_columns() {
  std::string columns = "run_id, dtype, prompt_len, gen_len, concurrency, capacity, cuda_graphs";
  for (const char* name : kMeasuredColumns) columns.append(", ").append(name);
  return columns + ", result_json";
}

}  // namespace

int64_t Database::insert_bench_run(const ModelRecord& model, const RunRecord& run,
                                   const std::vector<ThroughputRecord>& phases, const BenchRecord& bench) {
  const std::string operation = "insert bench run of '" + model.path + "' on " + run.device;
  Transaction transaction(db_, operation);
  RunRecord stored_run = run;
  stored_run.model_id = upsert_model_in_transaction(model);
  const int64_t run_id = insert_run_in_transaction(stored_run);
  if (stored_run.status != "running" && stored_run.finished_at.empty()) {
    Statement finish(db_, "UPDATE runs SET finished_at = " + std::string(kNow) + " WHERE id = ?", operation);
    finish.bind(1, run_id).run();
  }
  for (ThroughputRecord phase : phases) {
    phase.run_id = run_id;
    insert_throughput_in_transaction(phase);
  }
  std::string placeholders = "?";
  for (int i = 1; i < kFirstMeasured + static_cast<int>(std::size(kMeasuredColumns)) + 1; ++i) placeholders += ", ?";
  Statement insert(db_, "INSERT INTO bench_results (" + bench_columns() + ") VALUES (" + placeholders + ")",
                   operation + " (bench_results)");
  insert.bind(1, run_id).bind(2, bench.dtype).bind(3, bench.prompt_len).bind(4, bench.gen_len);
  insert.bind(5, bench.concurrency).bind(6, bench.capacity).bind(7, int64_t{bench.cuda_graphs ? 1 : 0});
  int index = kFirstMeasured + 1;
  for (const double* value : measured_fields(bench)) {
    // NULL, not NaN or infinity, for a value the bench could not measure (SQLite would store NaN as NULL anyway).
    if (std::isfinite(*value)) insert.bind(index, *value);
    else insert.bind_null(index);
    ++index;
  }
  insert.bind(index, bench.result_json).run();
  transaction.commit();
  return run_id;
}

std::optional<BenchRecord> Database::bench_of(int64_t run_id) const {
  Statement query(db_, "SELECT " + bench_columns() + " FROM bench_results WHERE run_id = ?",
                  "bench result of run " + std::to_string(run_id));
  query.bind(1, run_id);
  if (!query.step()) return std::nullopt;
  BenchRecord bench;
  bench.run_id = query.column_int(0);
  bench.dtype = query.column_text(1);
  bench.prompt_len = query.column_int(2);
  bench.gen_len = query.column_int(3);
  bench.concurrency = query.column_int(4);
  bench.capacity = query.column_int(5);
  bench.cuda_graphs = query.column_int(6) != 0;
  int column = kFirstMeasured;
  for (double* value : measured_fields(bench)) {
    *value = query.column_is_null(column) ? std::nan("") : query.column_double(column);
    ++column;
  }
  bench.result_json = query.column_text(column);
  return bench;
}

}  // namespace rbench::results
