// Token bookkeeping, stop conditions and stop-string-safe streaming; see generation_progress.h.
#include "runtime/scheduler/generation_progress.h"

#include <algorithm>

namespace rbench::runtime {

GenerationProgress::GenerationProgress(const SamplingParams& params, const GenerationLimits& limits,
                                       PieceDecoder decode_piece, std::function<void(std::string_view)> on_piece)
    : params_(params), limits_(&limits), decode_piece_(std::move(decode_piece)), on_piece_(std::move(on_piece)) {
  for (const auto& s : params_.stop) hold_ = std::max(hold_, s.empty() ? 0 : s.size() - 1);
}

bool GenerationProgress::cut_at_stop_string(std::size_t search_from) {
  std::string& text = outcome_.text;
  std::size_t cut = std::string::npos;
  for (const auto& s : params_.stop) {
    if (s.empty()) continue;
    const std::size_t at = text.find(s, search_from);
    if (at != std::string::npos) cut = std::min(cut, at);
  }
  if (cut == std::string::npos) return false;
  text.resize(cut);
  return true;
}

void GenerationProgress::emit(std::size_t upto) {
  const std::string& text = outcome_.text;
  if (upto > emitted_ && on_piece_) on_piece_(std::string_view(text).substr(emitted_, upto - emitted_));
  emitted_ = std::max(emitted_, upto);
}

bool GenerationProgress::push(int32_t token) {
  outcome_.tokens.push_back(token);
  const auto& eos = limits_->eos_ids;
  if (!params_.ignore_eos && std::find(eos.begin(), eos.end(), token) != eos.end()) {
    outcome_.finish_reason = FinishReason::stop;
    return true;
  }
  std::string& text = outcome_.text;
  const std::size_t search_from = text.size() > hold_ ? text.size() - hold_ : 0;
  text += decode_piece_(token);
  if (cut_at_stop_string(search_from)) {
    outcome_.finish_reason = FinishReason::stop;
    return true;
  }
  // Stream all but a tail that could still start a stop string, never splitting a UTF-8 sequence.
  std::size_t safe = text.size() > hold_ ? text.size() - hold_ : 0;
  while (safe > emitted_ && safe < text.size() && (static_cast<unsigned char>(text[safe]) & 0xC0) == 0x80) --safe;
  emit(safe);
  if (n_generated() >= params_.max_new_tokens) {
    outcome_.finish_reason = FinishReason::length;
    return true;
  }
  return false;
}

GenerationOutcome GenerationProgress::finish() {
  emit(outcome_.text.size());
  return std::move(outcome_);
}

}  // namespace rbench::runtime
