// rbench score: logits of a token sequence by prefill or stepwise decode; see tools.h.
#include <stdexcept>

#include "runtime/model/safetensors.h"
#include "runtime/models/registry.h"
#include "runtime/tools.h"

namespace rbench::runtime {

void score(const ScoreOptions& options) {
  if (options.ids.empty()) throw std::runtime_error("score: no token ids given");
  auto model = load_model(options.model_dir, options.device);
  SequenceState state = model->new_sequence();
  state.plan_length(static_cast<int64_t>(options.ids.size()));  // the scored length fixes length-dependent choices
  at::Tensor logits;
  if (options.stepwise) {
    std::vector<at::Tensor> rows;
    for (int32_t id : options.ids) rows.push_back(prefill_chunked(*model, state, {id}, 0, LogitsWanted::all));
    logits = at::cat(rows, 0);
  } else {
    logits = prefill_chunked(*model, state, options.ids, options.prefill_chunk, LogitsWanted::all);
  }
  logits = logits.to(at::kCPU, at::kFloat).contiguous();  // [T, vocab]
  write_safetensors(options.out_file, {{"logits", StorageDtype::f32, {logits.size(0), logits.size(1)},
                                        logits.data_ptr(), static_cast<std::size_t>(logits.numel()) * 4}});
}

}  // namespace rbench::runtime
