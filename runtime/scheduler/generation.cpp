// Prefill + decode loop with stop conditions; see generation.h.
#include "runtime/scheduler/generation.h"

#include <algorithm>
#include <chrono>

#include "runtime/sampler/sampler.h"

namespace rbench::runtime {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int32_t sample_row(Sampler& sampler, const at::Tensor& logits, int64_t n_sampleable) {
  at::Tensor row = logits[logits.size(0) - 1];
  if (n_sampleable > 0 && n_sampleable < row.size(0)) row = row.narrow(0, 0, n_sampleable);
  row = row.to(at::kCPU, at::kFloat).contiguous();
  return sampler.sample({row.data_ptr<float>(), static_cast<std::size_t>(row.numel())});
}

// Streams text as it becomes safe: everything except a tail that could still start a stop string.
class StopStringFilter {
 public:
  StopStringFilter(const std::vector<std::string>& stops, const std::function<void(std::string_view)>& on_piece)
      : stops_(stops), on_piece_(on_piece) {
    for (const auto& s : stops_) hold_ = std::max(hold_, s.empty() ? 0 : s.size() - 1);
  }
  // Appends a piece; returns true when a stop string appeared (the text is then cut before it).
  bool push(std::string& text, const std::string& piece) {
    const std::size_t search_from = text.size() > hold_ ? text.size() - hold_ : 0;
    text += piece;
    std::size_t cut = std::string::npos;
    for (const auto& s : stops_) {
      if (s.empty()) continue;
      const std::size_t at = text.find(s, search_from);
      if (at != std::string::npos) cut = std::min(cut, at);
    }
    if (cut != std::string::npos) {
      text.resize(cut);
      return true;
    }
    std::size_t safe = text.size() > hold_ ? text.size() - hold_ : 0;
    while (safe > emitted_ && safe < text.size() && (static_cast<unsigned char>(text[safe]) & 0xC0) == 0x80) --safe;
    emit(text, safe);
    return false;
  }
  void finish(const std::string& text) { emit(text, text.size()); }

 private:
  void emit(const std::string& text, std::size_t upto) {
    if (upto > emitted_ && on_piece_) on_piece_(std::string_view(text).substr(emitted_, upto - emitted_));
    emitted_ = std::max(emitted_, upto);
  }
  const std::vector<std::string>& stops_;
  const std::function<void(std::string_view)>& on_piece_;
  std::size_t hold_ = 0;
  std::size_t emitted_ = 0;
};

}  // namespace

GenerationOutcome run_generation(Model& model, const std::vector<int32_t>& prompt, const SamplingParams& params,
                                 const GenerationLimits& limits, const PieceDecoder& decode_piece,
                                 const std::function<void(std::string_view)>& on_piece) {
  GenerationOutcome result;
  Sampler sampler(params);
  StopStringFilter stops(params.stop, on_piece);
  SequenceState state = model.new_sequence();
  // The most tokens this request can hold: caches preallocate it, and length-dependent choices (Phi3's LongRoPE
  // factor set) are made once from it.
  state.plan_length(static_cast<int64_t>(prompt.size()) + std::max<int64_t>(params.max_new_tokens, 0));
  if (params.max_new_tokens <= 0) {
    result.finish_reason = FinishReason::length;
    return result;
  }

  auto start = std::chrono::steady_clock::now();
  at::Tensor logits = prefill_chunked(model, state, prompt, limits.prefill_chunk, LogitsWanted::last);
  int32_t token = sample_row(sampler, logits, limits.n_sampleable);
  if (model.device().is_cuda()) logits.cpu();  // wait for the device before reading the clock
  result.prefill_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  const at::Tensor step = at::empty({1}, at::TensorOptions().dtype(at::kLong));
  while (true) {
    result.tokens.push_back(token);
    const bool is_eos = std::find(limits.eos_ids.begin(), limits.eos_ids.end(), token) != limits.eos_ids.end();
    if (is_eos && !params.ignore_eos) {
      result.finish_reason = FinishReason::stop;
      break;
    }
    if (stops.push(result.text, decode_piece(token))) {
      result.finish_reason = FinishReason::stop;
      break;
    }
    if (static_cast<int>(result.tokens.size()) >= params.max_new_tokens) {
      result.finish_reason = FinishReason::length;
      break;
    }
    step[0] = static_cast<int64_t>(token);
    token = sample_row(sampler, model.forward(state, step, LogitsWanted::last), limits.n_sampleable);
  }
  stops.finish(result.text);
  result.decode_seconds = seconds_since(start);
  return result;
}

}  // namespace rbench::runtime
