// One request's generation in named phases: prefill the prompt (chunked), then decode one token at a time,
// sampling with the request's own generator, until an eos id (unless ignored), a stop string (the text is cut
// before it) or max_new_tokens. Streaming holds back just enough text to never emit the start of a stop string.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/request.h"

namespace rbench::runtime {

struct GenerationOutcome {
  std::vector<int32_t> tokens;
  std::string text;
  FinishReason finish_reason = FinishReason::length;
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;
};

// What bounds a generation besides the sampling parameters.
struct GenerationLimits {
  std::vector<int32_t> eos_ids;  // stop ids (generation_config.json)
  int64_t prefill_chunk = 0;     // prompt tokens per prefill step, 0 = all at once
  int64_t n_sampleable = 0;      // only ids below this are sampled (rows past the tokenizer's vocabulary are
                                 // padding with no text); 0 = every row of the logits
};

// Text of one generated token given the ones before it (an incremental decoder; "" for special tokens).
using PieceDecoder = std::function<std::string(int32_t id)>;

GenerationOutcome run_generation(Model& model, const std::vector<int32_t>& prompt, const SamplingParams& params,
                                 const GenerationLimits& limits, const PieceDecoder& decode_piece,
                                 const std::function<void(std::string_view)>& on_piece = {});

}  // namespace rbench::runtime
