// The continuous-batching loop; see continuous_batcher.h.
#include "runtime/scheduler/continuous_batcher.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace rbench::runtime {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// A request holding a slot: prefilling until its prompt is in, then decoding.
struct Sequence {
  std::size_t job = 0;
  int64_t slot = 0;
  std::optional<SequenceState> state;  // during prefill only
  int64_t prefilled = 0;               // prompt tokens already in the slot
  int64_t position = 0;                // tokens in the slot once decoding (the next input's position)
  int32_t next_input = 0;
  std::optional<GenerationProgress> progress;
  Clock::time_point started, decode_started;
};

}  // namespace

ContinuousBatcher::ContinuousBatcher(Model& model, StatePool& pool, const GenerationLimits& limits,
                                     BatcherOptions options)
    : model_(model), pool_(pool), limits_(limits), options_(options),
      steps_(std::make_unique<DecodeStepRunner>(model, pool, limits.n_sampleable, options.cuda_graphs)) {}

ContinuousBatcher::~ContinuousBatcher() = default;

void ContinuousBatcher::run(std::vector<BatchJob> jobs,
                            const std::function<void(std::size_t, GenerationOutcome)>& on_done) {
  std::deque<std::size_t> waiting;
  for (std::size_t i = 0; i < jobs.size(); ++i) waiting.push_back(i);
  std::vector<int64_t> free_slots;
  for (int64_t s = steps_->scratch_slot() - 1; s >= 0; --s) free_slots.push_back(s);
  std::deque<Sequence> admitting;  // requests holding a slot whose prompt is not all in yet, oldest first
  std::vector<Sequence> running;

  auto fail = [&](std::size_t job, const std::string& why) {
    GenerationOutcome out;
    out.finish_reason = FinishReason::error;
    out.error = why;
    on_done(job, std::move(out));
  };
  auto finish = [&](Sequence& seq, Clock::time_point now) {
    GenerationOutcome out = seq.progress->finish();
    out.prefill_seconds = seconds_between(seq.started, seq.decode_started);
    out.decode_seconds = seconds_between(seq.decode_started, now);
    free_slots.push_back(seq.slot);
    on_done(seq.job, std::move(out));
  };

  while (!waiting.empty() || !admitting.empty() || !running.empty()) {
    // Admit the next waiting request when a slot is free.
    while (!waiting.empty() && !free_slots.empty()) {
      const std::size_t j = waiting.front();
      waiting.pop_front();
      BatchJob& job = jobs[j];
      const int64_t planned =
          static_cast<int64_t>(job.prompt.size()) + std::max<int64_t>(job.params.max_new_tokens, 0);
      if (job.prompt.empty()) {
        fail(j, "empty prompt");
        continue;
      }
      if (planned > pool_.capacity()) {
        fail(j, "prompt (" + std::to_string(job.prompt.size()) + " tokens) + max_new_tokens (" +
                    std::to_string(job.params.max_new_tokens) + ") exceed the " + std::to_string(pool_.capacity()) +
                    " tokens a sequence may hold");
        continue;
      }
      const auto bad = std::find_if(job.prompt.begin(), job.prompt.end(),
                                    [&](int32_t id) { return id < 0 || id >= model_.vocab_size(); });
      if (bad != job.prompt.end()) {
        fail(j, "prompt token id " + std::to_string(*bad) + " at index " +
                    std::to_string(bad - job.prompt.begin()) + " is outside the vocabulary of " +
                    std::to_string(model_.vocab_size()));
        continue;
      }
      Sequence seq;
      seq.job = j;
      seq.started = Clock::now();
      seq.progress.emplace(job.params, limits_, job.decode_piece, job.on_piece);
      if (job.params.max_new_tokens <= 0) {
        seq.decode_started = seq.started;
        on_done(j, seq.progress->finish());
        continue;
      }
      try {
        seq.slot = free_slots.back();
        steps_->set_slot(seq.slot, job.params, static_cast<int64_t>(job.prompt.size()));
        seq.state.emplace(pool_.open(seq.slot, planned));
        free_slots.pop_back();
        admitting.push_back(std::move(seq));
      } catch (const std::exception& e) {
        fail(j, e.what());
      }
    }

    // Prefill up to prefill_chunk prompt tokens across the admitted requests, oldest first (everything when no
    // sequence is waiting on a decode step), so new requests never stall running ones for more than a chunk.
    int64_t budget = running.empty() || options_.prefill_chunk <= 0 ? std::numeric_limits<int64_t>::max()
                                                                     : options_.prefill_chunk;
    while (!admitting.empty() && budget > 0) {
      Sequence& seq = admitting.front();
      const auto& prompt = jobs[seq.job].prompt;
      const auto total = static_cast<int64_t>(prompt.size());
      const int64_t piece = options_.prefill_chunk > 0 ? options_.prefill_chunk : total;
      const auto t0 = Clock::now();
      try {
        at::Tensor logits;
        while (seq.prefilled < total && budget > 0) {
          const int64_t n = std::min({piece, total - seq.prefilled, budget});
          const at::Tensor ids =
              at::tensor(std::vector<int64_t>(prompt.begin() + seq.prefilled, prompt.begin() + seq.prefilled + n));
          seq.prefilled += n;
          budget -= n;
          stats_.prefill_tokens += n;
          logits = model_.forward(*seq.state, ids, seq.prefilled == total ? LogitsWanted::last : LogitsWanted::none);
        }
        if (seq.prefilled < total) {
          stats_.prefill_seconds += seconds_between(t0, Clock::now());
          break;  // the budget ran out inside this prompt: the rest comes next iteration
        }
        const int32_t token = steps_->sample_first(logits, seq.slot);
        const auto now = Clock::now();
        stats_.prefill_seconds += seconds_between(t0, now);
        seq.decode_started = now;
        seq.state.reset();
        seq.position = total;
        seq.next_input = token;
        if (seq.progress->push(token)) finish(seq, now);
        else running.push_back(std::move(seq));
      } catch (const std::exception& e) {
        free_slots.push_back(seq.slot);
        fail(seq.job, e.what());
      }
      admitting.pop_front();
    }

    if (running.empty()) continue;
    // One decode step for every running sequence.
    std::vector<int32_t> ids;
    std::vector<int64_t> slots, positions;
    for (const Sequence& seq : running) {
      ids.push_back(seq.next_input);
      slots.push_back(seq.slot);
      positions.push_back(seq.position);
    }
    stats_.max_in_flight = std::max<int64_t>(stats_.max_in_flight, static_cast<int64_t>(running.size()));
    const auto t0 = Clock::now();
    std::vector<int32_t> next;
    try {
      next = steps_->step(ids, slots, positions);
    } catch (const std::exception& e) {
      for (Sequence& seq : running) {
        free_slots.push_back(seq.slot);
        fail(seq.job, std::string("decode step failed: ") + e.what());
      }
      running.clear();
      continue;
    }
    const auto now = Clock::now();
    stats_.decode_seconds += seconds_between(t0, now);
    stats_.decode_steps += 1;
    stats_.decode_tokens += static_cast<int64_t>(running.size());
    stats_.graphs_captured = steps_->graphs_captured();
    std::vector<Sequence> still;
    still.reserve(running.size());
    for (std::size_t b = 0; b < running.size(); ++b) {
      Sequence& seq = running[b];
      seq.position += 1;
      seq.next_input = next[b];
      if (seq.progress->push(next[b])) finish(seq, now);
      else still.push_back(std::move(seq));
    }
    running = std::move(still);
  }
}

}  // namespace rbench::runtime
