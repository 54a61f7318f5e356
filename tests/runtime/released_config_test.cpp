// The released Phi-4-mini-flash config.json (spec 1.1, sliding_window in HF's per-layer list form) gives the
// layer schedule of spec 2 and the tensor table of spec 3: 434 tensors, 3,852,562,944 parameters.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "runtime/models/sambay.h"
#include "test_support.h"

namespace rbench::runtime {
namespace {

TEST(RuntimeReleasedConfig, ScheduleAndTensorTableMatchTheSpec) {
  nlohmann::json sliding = nlohmann::json::array();
  for (int i = 0; i < 32; ++i) sliding.push_back(i < 16 && i % 2 == 1 ? nlohmann::json(512) : nlohmann::json(nullptr));
  nlohmann::json config = {{"architectures", {"Phi4FlashForCausalLM"}}, {"model_type", "phi4flash"},
                           {"hidden_size", 2560}, {"intermediate_size", 10240}, {"num_hidden_layers", 32},
                           {"num_attention_heads", 40}, {"num_key_value_heads", 20}, {"vocab_size", 200064},
                           {"max_position_embeddings", 262144}, {"sliding_window", sliding}, {"mb_per_layer", 2},
                           {"layer_norm_eps", 1e-5}, {"hidden_act", "silu"}, {"tie_word_embeddings", true},
                           {"mlp_bias", false}, {"lm_head_bias", false}, {"eos_token_id", 199999},
                           {"torch_dtype", "bfloat16"}};
  const auto dir = test::temp_dir("released-config");
  std::ofstream(dir / "config.json") << config.dump();
  const SambaYConfig c = parse_sambay_config(dir / "config.json");
  std::map<LayerKind, int> counts;
  for (auto k : c.kinds) ++counts[k];
  EXPECT_EQ(counts[LayerKind::mamba], 8);
  EXPECT_EQ(counts[LayerKind::mamba_memory], 1);
  EXPECT_EQ(counts[LayerKind::sliding_attention], 8);
  EXPECT_EQ(counts[LayerKind::full_attention], 1);
  EXPECT_EQ(counts[LayerKind::gmu], 7);
  EXPECT_EQ(counts[LayerKind::cross_attention], 7);
  EXPECT_EQ(c.kinds[16], LayerKind::mamba_memory);
  EXPECT_EQ(c.kinds[17], LayerKind::full_attention);
  EXPECT_EQ(c.kinds[18], LayerKind::gmu);
  EXPECT_EQ(c.kinds[19], LayerKind::cross_attention);
  EXPECT_EQ(c.windows[15], 512);
  EXPECT_EQ(c.windows[17], 0);
  EXPECT_EQ(c.mamba_dt_rank, 160);
  const auto specs = sambay_tensor_manifest(c);
  EXPECT_EQ(specs.size(), 434u);
  int64_t params = 0, f32_elements = 0;
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& s : specs) {
    int64_t n = 1;
    for (auto d : s.shape) n *= d;
    params += n;
    if (s.store_f32) f32_elements += n;
    shapes[s.name] = s.shape;
  }
  EXPECT_EQ(params, 3852562944);
  EXPECT_EQ(f32_elements, 741376);  // A_log and lambda_*: the index's byte count (spec 3, dtype note)
  EXPECT_EQ(shapes["model.layers.0.attn.in_proj.weight"], (std::vector<int64_t>{10240, 2560}));
  EXPECT_EQ(shapes["model.layers.18.attn.in_proj.weight"], (std::vector<int64_t>{5120, 2560}));
  EXPECT_EQ(shapes["model.layers.17.attn.Wqkv.weight"], (std::vector<int64_t>{5120, 2560}));
  EXPECT_EQ(shapes["model.layers.19.attn.Wqkv.weight"], (std::vector<int64_t>{2560, 2560}));
  EXPECT_EQ(shapes["model.layers.1.attn.inner_cross_attn.subln.weight"], (std::vector<int64_t>{128}));
  EXPECT_EQ(shapes["model.layers.0.attn.x_proj.weight"], (std::vector<int64_t>{192, 5120}));
}

}  // namespace
}  // namespace rbench::runtime
