// Training rbench's embedded default model (torch-free header, like engine.h and tools.h): a tiny SambaY
// (phi4flash layout: Mamba + sliding-window differential attention self-decoder, the full-attention layer that
// fills the shared K/V cache, GMU + cross-attention cross-decoder) trained from scratch on the CPU with
// autograd and AdamW on chat examples, then written as a Hugging Face checkpoint directory that the engine
// loads like any other (config.json, generation_config.json, model.safetensors, tokenizer.json,
// tokenizer_config.json). Prompts are rendered with the phi4-flash chat template exactly as the engine renders
// them at generation time, and the loss covers only the completion and its <|end|>, so what is learnt is what
// greedy decoding through the engine will be asked to produce. Deterministic for a seed and thread count.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runtime/tokenizer.h"

namespace rbench::runtime {

struct TrainingExample {
  std::vector<ChatMessage> prompt;  // rendered with the generation prompt, as the engine does
  std::string completion;           // the assistant's answer; <|end|> is appended
};

struct TrainProgress {
  int64_t step = 0, total_steps = 0;
  double loss = 0.0;  // mean over the completion tokens of this step's batch
  double lr = 0.0;
  double seconds = 0.0;
};

struct TrainOptions {
  std::filesystem::path out_dir;
  uint64_t seed = 0;
  int64_t steps = 2000;                // optimizer steps; examples are consumed in order, batch_size per step
  int64_t batch_size = 16;
  double max_seconds = 0.0;            // > 0: stop early (after the step that crosses it) and still write
  double lr = 4e-3;
  double min_lr_ratio = 0.1;           // cosine decay to lr * min_lr_ratio
  int64_t warmup_steps = 30;
  double weight_decay = 0.01;
  double grad_clip = 1.0;
  int threads = 1;                     // 0: LibTorch's default; 1 is fastest for these tiny ops (see PERFORMANCE.md)
  // Architecture (phi4flash layout; n_layers must be a multiple of 4).
  int64_t hidden = 64, n_layers = 8, n_heads = 4, n_kv_heads = 2, intermediate = 128, window = 64;
  int64_t mamba_d_state = 4;
  int n_merges = 150;                  // tokenizer merges learnt from the corpus with its digits removed
  std::function<void(const TrainProgress&)> on_progress;  // called every progress_every steps and at the end
  int64_t progress_every = 25;
};

struct TrainReport {
  int64_t steps = 0;
  double seconds = 0.0;
  double first_loss = 0.0, final_loss = 0.0;  // final: mean of the last 10 steps
  int64_t n_params = 0;
  int64_t vocab = 0;
  int64_t max_tokens = 0;                     // longest training sequence
  bool stopped_by_time = false;
};

// Needs at least steps * batch_size examples (fewer: throws). Writes the checkpoint into options.out_dir.
TrainReport train_tiny_sambay(const TrainOptions& options, const std::vector<TrainingExample>& examples);

}  // namespace rbench::runtime
