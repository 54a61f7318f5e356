// What happens to each sampled token of one request, whether it is decoded alone or in a batch: it is appended,
// checked against the eos ids (unless ignored), turned into text and checked against the stop strings (the text is
// cut before the first one; streaming holds back just enough text to never emit the start of a stop string), and
// against max_new_tokens. The one place that decides when and why a generation ends.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/request.h"

namespace rbench::runtime {

struct GenerationOutcome {
  std::vector<int32_t> tokens;
  std::string text;
  FinishReason finish_reason = FinishReason::length;
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;
  std::string error;  // why, when finish_reason is error
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

class GenerationProgress {
 public:
  GenerationProgress(const SamplingParams& params, const GenerationLimits& limits, PieceDecoder decode_piece,
                     std::function<void(std::string_view)> on_piece);
  // Records a sampled token; true when the generation is finished (outcome().finish_reason says why).
  bool push(int32_t token);
  int64_t n_generated() const { return static_cast<int64_t>(outcome_.tokens.size()); }
  // Emits the text held back for stop strings and returns the outcome (call once, when finished).
  GenerationOutcome finish();
  GenerationOutcome& outcome() { return outcome_; }

 private:
  void emit(std::size_t upto);
  bool cut_at_stop_string(std::size_t search_from);

  SamplingParams params_;
  const GenerationLimits* limits_;  // outlives the progress (a pointer keeps the class movable)
  PieceDecoder decode_piece_;
  std::function<void(std::string_view)> on_piece_;
  std::size_t hold_ = 0;     // bytes held back: the longest stop string minus one
  std::size_t emitted_ = 0;  // bytes of text already streamed
  GenerationOutcome outcome_;
};

}  // namespace rbench::runtime
