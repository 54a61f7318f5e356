// Sums tokens and seconds per phase and counts finish reasons to build the run's throughput table.
#include "results/throughput_summary.h"

#include <algorithm>

namespace rbench::results {
namespace {

void add(PhaseRate& rate, int64_t tokens, double seconds) {
  rate.tokens += tokens;
  rate.seconds += seconds;
}

void finish(PhaseRate& rate) {
  rate.tokens_per_second = rate.seconds > 0 ? static_cast<double>(rate.tokens) / rate.seconds : 0.0;
}

}  // namespace

ThroughputSummary summarize_throughput(std::span<const ThroughputRecord> records,
                                       std::span<const SampleTiming> samples) {
  ThroughputSummary summary;
  for (const ThroughputRecord& record : records) {
    add(record.phase == "prefill" ? summary.aggregate_prefill : summary.aggregate_decode, record.tokens,
        record.seconds);
    summary.engines = std::max(summary.engines, record.engines);
    if (record.phase != "decode" || record.decode_steps == 0) continue;
    summary.decode_steps += record.decode_steps;
    summary.decode_tokens_counted += record.tokens;
    summary.max_in_flight = std::max(summary.max_in_flight, record.max_in_flight);
    summary.graphs_captured += record.graphs_captured;
  }
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  for (const SampleTiming& sample : samples) {
    add(summary.per_sequence_prefill, sample.n_prompt_tokens, sample.prefill_seconds);
    add(summary.per_sequence_decode, sample.n_completion_tokens, sample.decode_seconds);
    prompt_tokens += sample.n_prompt_tokens;
    completion_tokens += sample.n_completion_tokens;
    summary.max_completion_tokens = std::max(summary.max_completion_tokens, sample.n_completion_tokens);
    ++summary.finish_reasons[sample.finish_reason];
  }
  summary.n_samples = static_cast<int64_t>(samples.size());
  if (summary.n_samples > 0) {
    summary.mean_prompt_tokens = static_cast<double>(prompt_tokens) / static_cast<double>(summary.n_samples);
    summary.mean_completion_tokens = static_cast<double>(completion_tokens) / static_cast<double>(summary.n_samples);
  }
  const auto truncated = summary.finish_reasons.find("length");
  summary.n_truncated = truncated != summary.finish_reasons.end() ? truncated->second : 0;
  finish(summary.aggregate_prefill);
  finish(summary.aggregate_decode);
  finish(summary.per_sequence_prefill);
  finish(summary.per_sequence_decode);
  return summary;
}

ThroughputSummary throughput_for_run(const Database& db, int64_t run_id, const std::optional<std::string>& task) {
  if (!db.get_run(run_id)) {
    throw DatabaseError("throughput of run " + std::to_string(run_id), 0, "no such run in '" + db.path() + "'");
  }
  const std::vector<ThroughputRecord> records = db.throughput_of(run_id);
  const std::vector<SampleTiming> samples = db.sample_timings(run_id, task);
  return summarize_throughput(records, samples);
}

}  // namespace rbench::results
