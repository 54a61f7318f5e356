// What a caller asks of the runtime and what it gets back: sampling parameters, a generation request (chat
// messages or raw prompt ids) and the completion with its tokens, text, finish reason and timings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/tokenizer.h"

namespace rbench::runtime {

struct SamplingParams {
  double temperature = 0.0;   // 0 = greedy (argmax)
  double top_p = 1.0;         // keep the smallest set of most likely tokens whose mass reaches top_p
  int top_k = 0;              // 0 = no limit
  double min_p = 0.0;         // drop tokens below min_p * (probability of the most likely token)
  int max_new_tokens = 256;
  uint64_t seed = 0;          // one generator per request: same (seed, prompt, params) -> same tokens on a device
  std::vector<std::string> stop;  // stop strings; the text is cut before the first one
  bool ignore_eos = false;
};

enum class FinishReason { stop, length, error };

constexpr std::string_view to_string(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::error: return "error";
  }
  return "error";
}

struct GenerationRequest {
  uint64_t id = 0;
  std::vector<ChatMessage> messages;
  std::vector<int32_t> prompt_ids;  // used when messages is empty
  SamplingParams sampling;
};

struct Completion {
  uint64_t id = 0;
  std::vector<int32_t> tokens;      // generated tokens (the eos that stopped it included)
  std::string text;                 // decoded completion, without special tokens, cut at a stop string
  FinishReason finish_reason = FinishReason::error;
  int32_t n_prompt_tokens = 0;
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;
  std::string error;                // set when finish_reason is error
};

}  // namespace rbench::runtime
