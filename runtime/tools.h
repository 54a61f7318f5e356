// Runtime tools behind the CLI's make-tiny and score commands (torch-free header, like engine.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rbench::runtime {

// A random checkpoint in the exact Hugging Face layout of Phi-4-mini-flash (config.json, generation_config.json,
// model.safetensors or shards + index, real tensor names, A_log and lambda_* stored F32 like the release, and
// tokenizer files when write_tokenizer is set), or with arch "phi3" of Phi-4-mini-reasoning (Phi3ForCausalLM with
// partial LongRoPE; window, d_state, layout and differential do not apply).
struct TinyCheckpointOptions {
  std::filesystem::path out_dir;
  std::string arch = "phi4flash";     // phi4flash | phi3
  uint64_t seed = 0;
  std::string dtype = "f32";          // storage of the matrices: f32 | bf16 | f16
  int64_t n_layers = 8;
  int64_t hidden = 64;
  int64_t n_heads = 4;
  int64_t n_kv_heads = 2;
  int64_t intermediate = 128;
  int64_t vocab = 512;                // raised to the tokenizer's size when a tokenizer is written
  int64_t window = 16;
  int64_t mamba_d_state = 16;
  std::string layout = "sambay";      // sambay | samba | sambayoco
  bool differential = true;
  bool window_as_list = false;        // write sliding_window as HF's per-layer list
  int n_shards = 1;                   // > 1: model-0000k-of-0000n.safetensors + model.safetensors.index.json
  bool write_tokenizer = true;
  int64_t original_max_positions = 4096;  // phi3: original_max_position_embeddings (max_position_embeddings is 32x)
  double rotary_fraction = 0.75;          // phi3: partial_rotary_factor
  bool tie_embeddings = true;             // phi3: false writes a separate lm_head.weight
};

void make_tiny_checkpoint(const TinyCheckpointOptions& options);

// Float32 logits [T, vocab] of `ids`, as a tensor named "logits" in a safetensors file. stepwise: one token at a
// time through the decode path; otherwise prefill in chunks of prefill_chunk tokens (0 = all at once).
struct ScoreOptions {
  std::filesystem::path model_dir;
  std::vector<int32_t> ids;
  std::filesystem::path out_file;
  bool stepwise = false;
  std::string device = "cpu";
  int64_t prefill_chunk = 0;
};

void score(const ScoreOptions& options);

}  // namespace rbench::runtime
