// One request's generation on its own, in named phases: prefill the prompt (chunked), then decode one token at a
// time through Model::forward, sampling with the batch sampler (one row) until GenerationProgress says it is done.
// The plain reference of the continuous batcher (continuous_batcher.h): same sampler, same stop rules, so the two
// give the same tokens for the same request.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/request.h"
#include "runtime/scheduler/generation_progress.h"

namespace rbench::runtime {

GenerationOutcome run_generation(Model& model, const std::vector<int32_t>& prompt, const SamplingParams& params,
                                 const GenerationLimits& limits, const PieceDecoder& decode_piece,
                                 const std::function<void(std::string_view)>& on_piece = {});

}  // namespace rbench::runtime
