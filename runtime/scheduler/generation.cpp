// Prefill + decode loop of one request; see generation.h.
#include "runtime/scheduler/generation.h"

#include <algorithm>
#include <chrono>

#include "runtime/sampler/batch_sampler.h"

namespace rbench::runtime {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

GenerationOutcome run_generation(Model& model, const std::vector<int32_t>& prompt, const SamplingParams& params,
                                 const GenerationLimits& limits, const PieceDecoder& decode_piece,
                                 const std::function<void(std::string_view)>& on_piece) {
  GenerationProgress progress(params, limits, decode_piece, on_piece);
  SequenceState state = model.new_sequence();
  // The most tokens this request can hold: caches preallocate it, and length-dependent choices (Phi3's LongRoPE
  // factor set) are made once from it.
  state.plan_length(static_cast<int64_t>(prompt.size()) + std::max<int64_t>(params.max_new_tokens, 0));
  if (params.max_new_tokens <= 0) return progress.finish();
  auto sample = [&](const at::Tensor& logits) {
    const BatchSamplingTensors p = make_sampling_tensors({params}, {progress.n_generated()}, model.device());
    return static_cast<int32_t>(sample_batch(logits.narrow(0, logits.size(0) - 1, 1), p, limits.n_sampleable)
                                    .item<int64_t>());
  };

  auto start = std::chrono::steady_clock::now();
  at::Tensor logits = prefill_chunked(model, state, prompt, limits.prefill_chunk, LogitsWanted::last);
  int32_t token = sample(logits);  // reading the token waits for the device
  const double prefill_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  const at::Tensor step = at::empty({1}, at::TensorOptions().dtype(at::kLong));
  while (!progress.push(token)) {
    step[0] = static_cast<int64_t>(token);
    token = sample(model.forward(state, step, LogitsWanted::last));
  }
  const double decode_seconds = seconds_since(start);
  GenerationOutcome result = progress.finish();
  result.prefill_seconds = prefill_seconds;
  result.decode_seconds = decode_seconds;
  return result;
}

}  // namespace rbench::runtime
