// Runtime tools behind the CLI's make-tiny, score and bench commands (torch-free header, like engine.h).
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

// rbench bench: decode and prefill speed of one architecture at a given prompt length, generation length and
// number of sequences in flight, against the bytes-per-step roofline (weights + per-sequence state read and
// written per decode step, over a device-to-device copy bandwidth measured in the same run). Random weights at the
// released shape (or a config file's) unless model_dir is given; generation runs greedy to gen_len, eos ignored.
// Sequences are stepped one after another today (no batched decode yet), so concurrency multiplies the work.
struct BenchOptions {
  std::filesystem::path model_dir;    // a checkpoint; empty: random weights
  std::string arch = "phi4flash";     // random weights: phi4flash | phi3 (phi3 needs config_file)
  std::filesystem::path config_file;  // random weights at this config.json's shape; empty: released phi4flash shape
  std::string device = "cuda";
  int64_t prompt_len = 2048;
  int64_t gen_len = 256;
  int64_t concurrency = 1;
  uint64_t seed = 0;
};

struct BenchResult {
  std::string arch, device, dtype;
  int64_t n_params = 0, prompt_len = 0, gen_len = 0, concurrency = 0;
  double prefill_seconds = 0, decode_seconds = 0;
  double prefill_tokens_per_s = 0;
  double decode_tokens_per_s = 0;       // all sequences together
  double ms_per_output_token = 0;       // per sequence: decode time / gen_len
  double peak_memory_gib = 0;           // peak allocated on the GPU (0 on CPU)
  double copy_bandwidth_gbs = 0;        // measured: 2 * bytes / time of a large device copy (read + write)
  double weight_bytes_per_step = 0;     // weights read once per decode step
  double state_bytes_per_step = 0;      // state read + written per step, all sequences, at the mean context
  double roofline_tokens_per_s = 0;     // concurrency / ((weights + state) / copy bandwidth)
  double roofline_fraction = 0;         // decode_tokens_per_s / roofline_tokens_per_s
};

BenchResult bench(const BenchOptions& options);

}  // namespace rbench::runtime
