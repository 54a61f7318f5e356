// The typed configuration of the SambaY family (Phi4Flash config.json, model_type "phi4flash"), with the
// per-layer kind list computed once. The released layout is SambaY with differential attention; rbench's own
// checkpoints may choose the paper's other layouts through extra keys:
//   "rbench_layout": "sambay" (default) | "samba" (no cross-decoder) | "sambayoco" (cross-attention in every
//   cross-decoder layer), and "rbench_differential": true (default) | false (plain attention).
// Fields the HF modeling code ignores (mamba_dt_rank, mamba_conv_bias, mamba_proj_bias, mlp_bias, lm_head_bias)
// are rejected when they disagree with what HF actually builds (spec section 10.2).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/model/layer_kind.h"

namespace rbench::runtime {

enum class SambaYLayout { sambay, samba, sambayoco };

struct SambaYConfig {
  int64_t hidden = 0;              // D
  int64_t intermediate = 0;        // MLP inner width (fc1 has 2x rows)
  int64_t n_layers = 0;
  int64_t n_heads = 0;             // query heads
  int64_t n_kv_heads = 0;
  int64_t head_dim = 0;            // hidden / n_heads
  int64_t vocab = 0;
  double norm_eps = 1e-5;
  bool tie_embeddings = true;
  int64_t mamba_d_state = 16;
  int64_t mamba_d_conv = 4;
  int64_t mamba_expand = 2;
  int64_t mamba_d_inner = 0;       // expand * hidden
  int64_t mamba_dt_rank = 0;       // ceil(hidden / 16), as HF derives it
  SambaYLayout layout = SambaYLayout::sambay;
  bool differential = true;
  std::vector<LayerKind> kinds;    // one per layer
  std::vector<int64_t> windows;    // per layer: window of sliding layers, 0 elsewhere
  std::vector<int32_t> eos_ids;    // config.json eos_token_id (generation_config.json overrides in the engine)

  int64_t n_shared_kv_layers() const;   // how many layers produce the shared cache (0 or 1)
};

// Parses and validates; errors name the file and the field.
SambaYConfig parse_sambay_config(const std::filesystem::path& config_json);

std::string_view to_string(SambaYLayout layout);

}  // namespace rbench::runtime
