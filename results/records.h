// The rows of the results database as plain structs, one per table. Writers fill them and hand them to
// Database; queries return them with `id` (and for samples and grades the parent ids) filled in. Timestamps
// are ISO-8601 UTC text; an empty timestamp on insert means "now". JSON-valued fields (sampling parameters,
// prompt messages) are stored as the JSON text the caller gives, so the exact bytes can be rebuilt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rbench::results {

// A checkpoint. Identity is (path, weights_sha256): the same files at the same place are one model.
struct ModelRecord {
  int64_t id = 0;  // set by the database
  std::string path;
  std::string architecture;    // e.g. "sambay", "phi3"
  std::string config_sha256;
  std::string weights_sha256;
  int64_t n_params = 0;
};

// One evaluation run of a model over a suite of tasks with one set of sampling parameters.
struct RunRecord {
  int64_t id = 0;  // set by the database
  int64_t model_id = 0;
  std::string suite;            // e.g. "default", "math500+aime24"
  std::string sampling_json;    // sampling parameters as JSON text (temperature, top_p, max_tokens, ...)
  int64_t seed = 0;
  std::string git_commit;
  std::string harness_version;
  std::string device;           // e.g. "cuda:0 NVIDIA H100", "cpu"
  std::string started_at;       // empty on insert: now
  std::string finished_at;      // empty while running
  std::string status = "running";  // "running" | "complete" | "failed" | "interrupted"
  std::string command_line;     // the rbench command that made the run; empty in runs from before schema version 4
};

// One completion for one problem. Identity is (run_id, task, problem_id, sample_index).
struct SampleRecord {
  int64_t id = 0;  // set by the database
  int64_t run_id = 0;
  std::string task;
  std::string task_version;
  std::string dataset_sha256;
  std::string problem_id;
  int64_t sample_index = 0;
  int64_t seed = 0;
  std::string prompt;          // the rendered messages as JSON text
  std::string completion;      // the full generated text
  int64_t n_prompt_tokens = 0;
  int64_t n_completion_tokens = 0;
  std::string finish_reason = "stop";  // "stop" | "length" | "error"
  std::string error;           // why generation failed, when finish_reason == "error"
  double prefill_seconds = 0;
  double decode_seconds = 0;
  std::string created_at;      // empty on insert: now
};

// One verdict on one sample. Identity is (sample_id, grader, rule): regrading never regenerates.
struct GradeRecord {
  int64_t id = 0;         // set by the database
  int64_t sample_id = 0;  // ignored by insert_sample_with_grades, which sets it
  std::string grader;     // e.g. "math", "gpqa_choice"
  std::string grader_version;
  std::string rule;       // extraction rule, e.g. "boxed", "answer_line"
  std::string extracted;  // the extracted answer; empty when nothing was found
  bool correct = false;
  std::string reason;     // why the verdict, for auditing
  std::string gold;       // the reference answer compared against
  // The grader's canonical form of the answer (graders::Verdict::canonical), what maj@k groups by. nullopt in rows
  // written before schema version 3: those vote by `extracted` until regraded.
  std::optional<std::string> canonical;
};

// A measured span of work in one phase of a run (one batch step or an aggregate of several).
struct ThroughputRecord {
  int64_t id = 0;  // set by the database
  int64_t run_id = 0;
  std::string phase;  // "prefill" | "decode"
  int64_t tokens = 0;
  double seconds = 0;
  int64_t batch = 1;          // the largest batch allowed (--max-batch, clipped to the engines' state pools)
  std::string device;
  // Engine counters over the span (0 where unknown, e.g. rows from before schema version 3).
  int64_t decode_steps = 0;     // batched decode steps: decode tokens / steps is the mean batch
  int64_t max_in_flight = 0;    // most sequences decoding at once in one engine
  int64_t graphs_captured = 0;  // CUDA graphs captured
  int64_t engines = 1;          // engines (devices) that generated in parallel
};

// What `rbench bench` measured in one run (its run row holds the settings, its throughput rows the prefill and
// decode tokens and seconds). One row per bench run, keyed by the run. Rates and sizes that were not measured or
// not finite are NaN here and NULL in the table; result_json is the complete JSON object the bench printed
// (sweep, predictions and every field this record does not type).
struct BenchRecord {
  int64_t run_id = 0;
  std::string dtype;                  // compute dtype, e.g. "bfloat16"
  int64_t prompt_len = 0;
  int64_t gen_len = 0;
  int64_t concurrency = 1;            // sequences in flight
  int64_t capacity = 0;               // tokens per state-pool slot
  bool cuda_graphs = false;           // asked for (the decode throughput row counts the graphs captured)
  double prefill_tokens_per_s = 0;    // batch-1 prefill of one prompt
  double decode_tokens_per_s = 0;     // all sequences together
  double ms_per_output_token = 0;     // per sequence
  double peak_memory_gib = 0;         // 0 on CPU
  double state_gib_per_sequence = 0;
  double copy_bandwidth_gbs = 0;      // measured in the same run: the roofline's bandwidth
  double matmul_tflops = 0;
  double weight_bytes_per_step = 0;
  double state_bytes_per_step = 0;
  double roofline_tokens_per_s = 0;   // (weight + state bytes per step) over the copy bandwidth
  double roofline_fraction = 0;       // decode_tokens_per_s / roofline_tokens_per_s
  std::string result_json;
};

// The identity of a finished sample, what a resumed run skips.
struct SampleKey {
  std::string task;
  std::string problem_id;
  int64_t sample_index = 0;
  auto operator<=>(const SampleKey&) const = default;
};

// One sample's verdict under a chosen (grader, rule), the input of the metrics.
struct GradedOutcome {
  std::string task;
  std::string problem_id;
  int64_t sample_index = 0;
  std::string finish_reason;
  bool graded = false;    // false: no grade by this (grader, rule) yet
  std::string extracted;
  std::string vote;       // what maj@k groups by: the canonical answer, else (old rows) the extracted text
  bool correct = false;
};

// A run with what `rbench runs` shows beside it: its model's path and how far it got.
struct RunOverview {
  RunRecord run;
  std::string model_path;
  int64_t n_samples = 0;
  int64_t n_errors = 0;          // samples with finish_reason "error"
  int64_t n_graded_samples = 0;  // samples with at least one grade
  std::vector<std::string> tasks;
  std::optional<BenchRecord> bench;  // set for a run made by `rbench bench`
};

// One sample's size and speed, the input of the throughput summary (a SampleRecord without its texts).
struct SampleTiming {
  std::string task;
  int64_t n_prompt_tokens = 0;
  int64_t n_completion_tokens = 0;
  std::string finish_reason;
  double prefill_seconds = 0;
  double decode_seconds = 0;
};

}  // namespace rbench::results
