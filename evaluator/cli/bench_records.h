// One `rbench bench` measurement as the rows the results database stores for it: the model (a checkpoint by its
// path and hashes, random weights by their shape's config and seed), a run of suite "bench" whose protocol is the
// bench's settings, the prefill and decode throughput rows, and the bench row with the roofline and the complete
// JSON result. Pure apart from reading the checkpoint's files for their hashes.
#pragma once

#include <string>
#include <vector>

#include "results/records.h"
#include "runtime/tools.h"

namespace rbench::cli {

struct BenchRunRecords {
  results::ModelRecord model;
  results::RunRecord run;
  std::vector<results::ThroughputRecord> phases;  // prefill, then decode
  results::BenchRecord bench;
};

// What the run row needs beyond the bench's own options and result.
struct BenchProvenance {
  std::string concurrency_flag;  // as given: "max" or a number (the result holds what "max" came to)
  std::string command_line;      // the whole rbench command, shell-quoted
  std::string started_at;        // ISO-8601 UTC, taken before the bench ran
  std::string git_commit;
  std::string harness_version;
};

BenchRunRecords bench_run_records(const runtime::BenchOptions& options, const runtime::BenchResult& result,
                                  const std::string& result_json, const BenchProvenance& provenance);

// The settings of a bench that make its protocol (what `rbench show` prints and runs are compared by), as JSON.
std::string bench_settings_json(const runtime::BenchOptions& options, const std::string& concurrency_flag);

// "rbench bench --a 'b c'": the program name and each argument quoted where the shell would need it.
std::string shell_command_line(const std::string& program, const std::vector<std::string>& args);

// Now as ISO-8601 UTC with milliseconds, the format the results database writes.
std::string utc_timestamp_now();

}  // namespace rbench::cli
