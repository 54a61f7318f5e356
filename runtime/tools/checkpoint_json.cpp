// config.json of rbench's own SambaY checkpoints and the JSON file writer; see checkpoint_json.h.
#include "runtime/tools/checkpoint_json.h"

#include <fstream>
#include <stdexcept>

namespace rbench::runtime {

using nlohmann::json;

json sambay_config_json(const SambaYConfigFields& f) {
  if (f.layout != "sambay" && f.layout != "samba" && f.layout != "sambayoco")
    throw std::runtime_error("SambaY config: layout must be sambay, samba or sambayoco, got '" + f.layout + "'");
  json sliding = f.window;
  if (f.window_as_list) {
    sliding = json::array();
    const int64_t h = f.n_layers / 2;
    for (int64_t i = 0; i < f.n_layers; ++i) {
      const bool swa = i % 2 == 1 && (f.layout == "samba" || i < h);
      sliding.push_back(swa ? json(f.window) : json(nullptr));
    }
  }
  json config = {
      {"architectures", {"Phi4FlashForCausalLM"}},
      {"model_type", "phi4flash"},
      {"hidden_size", f.hidden},
      {"intermediate_size", f.intermediate},
      {"num_hidden_layers", f.n_layers},
      {"num_attention_heads", f.n_heads},
      {"num_key_value_heads", f.n_kv_heads},
      {"vocab_size", f.vocab},
      {"max_position_embeddings", f.max_positions},
      {"sliding_window", sliding},
      {"mb_per_layer", 2},
      {"layer_norm_eps", 1e-5},
      {"hidden_act", "silu"},
      {"tie_word_embeddings", true},
      {"torch_dtype", f.torch_dtype},
      {"mamba_d_state", f.mamba_d_state},
      {"mamba_d_conv", 4},
      {"mamba_expand", 2},
      {"bos_token_id", f.bos},
      {"eos_token_id", f.bos},
      {"pad_token_id", f.bos},
      {"rbench_layout", f.layout},
      {"rbench_differential", f.differential},
  };
  if (!f.trained_by.empty()) config["rbench_trained_by"] = f.trained_by;
  return config;
}

void write_json(const std::filesystem::path& path, const json& j) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << j.dump(2) << "\n";
  if (!out) throw std::runtime_error("error while writing " + path.string());
}

}  // namespace rbench::runtime
