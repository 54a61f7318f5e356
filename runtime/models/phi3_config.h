// The typed configuration of the Phi3 family (Phi3ForCausalLM, model_type "phi3": Phi-4-mini-reasoning, the
// Transformer baseline), parsed once from config.json. RoPE is partial (the first rotary_dim dims of every head)
// and either plain or LongRoPE: two per-frequency factor sets (short, long) and a magnitude scale on cos/sin,
// read from "rope_scaling" (the released files) or "rope_parameters" (what transformers 5 writes). Features this
// runtime does not build (biases, a sliding window shorter than the context, other activations) are rejected
// with the field's name rather than silently ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace rbench::runtime {

struct Phi3RopeConfig {
  double theta = 10000.0;
  int64_t rotary_dim = 0;                 // int(head_dim * partial_rotary_factor), even
  bool longrope = false;                  // false: plain RoPE (factors 1, scale 1)
  std::vector<double> short_factor;       // rotary_dim / 2 values when longrope
  std::vector<double> long_factor;
  double attention_scaling = 1.0;         // LongRoPE magnitude scale applied to cos and sin
  int64_t original_max_positions = 0;     // longer sequences use the long factors (spec 6.4)
};

struct Phi3Config {
  int64_t hidden = 0;
  int64_t intermediate = 0;               // gate_up_proj has 2x rows
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  int64_t head_dim = 0;                   // config head_dim, else hidden / n_heads
  int64_t vocab = 0;
  double norm_eps = 1e-5;
  bool tie_embeddings = false;            // transformers' Phi3Config default
  int64_t max_positions = 0;              // max_position_embeddings
  Phi3RopeConfig rope;
  std::vector<int32_t> eos_ids;
};

// Parses and validates; errors name the file and the field.
Phi3Config parse_phi3_config(const std::filesystem::path& config_json);

}  // namespace rbench::runtime
