// The speed and size table of one run: prefill and decode tokens per second, tokens per sample and how
// generations ended. Two speeds are reported because they answer different questions: the aggregate rate
// from the throughput table (tokens over wall seconds of batched steps: what the machine delivers) and the
// per-sequence rate from the samples' own timings (what one request sees; in a batch these overlap in time,
// so their sum is not wall time).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "results/database.h"
#include "results/records.h"

namespace rbench::results {

struct PhaseRate {
  int64_t tokens = 0;
  double seconds = 0;
  double tokens_per_second = 0;  // 0 when no time was recorded
};

struct ThroughputSummary {
  PhaseRate aggregate_prefill;     // from ThroughputRecord rows
  PhaseRate aggregate_decode;
  PhaseRate per_sequence_prefill;  // from SampleRecord timings
  PhaseRate per_sequence_decode;
  int64_t n_samples = 0;
  double mean_prompt_tokens = 0;
  double mean_completion_tokens = 0;
  int64_t max_completion_tokens = 0;
  std::map<std::string, int64_t> finish_reasons;  // "stop" / "length" / "error" -> count
  int64_t n_truncated = 0;                        // finish_reason "length": hit the token limit
  // Engine counters summed over the decode rows (0 for rows written before schema version 3 or by fakes).
  int64_t decode_steps = 0;
  int64_t decode_tokens_counted = 0;  // decode tokens of the rows that have decode steps (for the mean batch)
  int64_t max_in_flight = 0;
  int64_t graphs_captured = 0;
  int64_t engines = 1;  // the most engines any row ran
  double mean_batch() const {
    return decode_steps > 0 ? static_cast<double>(decode_tokens_counted) / static_cast<double>(decode_steps) : 0.0;
  }
};

// Pure: the summary of the given records.
ThroughputSummary summarize_throughput(std::span<const ThroughputRecord> records,
                                       std::span<const SampleTiming> samples);

// The summary of a stored run (or of one task of it: the throughput rows are per run, so then the
// aggregate rates stay those of the whole run).
ThroughputSummary throughput_for_run(const Database& db, int64_t run_id,
                                     const std::optional<std::string>& task = std::nullopt);

}  // namespace rbench::results
