// Phi3 config parsing and loading: the released field forms (rope_scaling with "type", transformers 5's
// rope_parameters), the derived rotary dimension and LongRoPE magnitude scale, errors that name the field, and a
// checkpoint whose config says untied but whose files lack lm_head.weight.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/models/phi3_config.h"
#include "runtime/models/phi3_rope.h"
#include "runtime/models/registry.h"
#include "tests/runtime/test_support.h"

namespace rbench::runtime {
namespace {

using nlohmann::json;

// The Phi-4-mini shape (spec 6.1) with a short factor list per rotary frequency.
json released_like() {
  std::vector<double> ones(48, 1.0), rising;
  for (int j = 0; j < 48; ++j) rising.push_back(1.0 + j);
  return {{"model_type", "phi3"},          {"hidden_size", 3072},
          {"intermediate_size", 8192},     {"num_hidden_layers", 32},
          {"num_attention_heads", 24},     {"num_key_value_heads", 8},
          {"vocab_size", 200064},          {"rms_norm_eps", 1e-5},
          {"hidden_act", "silu"},          {"max_position_embeddings", 131072},
          {"original_max_position_embeddings", 4096},
          {"rope_theta", 10000.0},         {"partial_rotary_factor", 0.75},
          {"sliding_window", 262144},      {"tie_word_embeddings", true},
          {"rope_scaling", {{"type", "longrope"}, {"short_factor", ones}, {"long_factor", rising}}},
          {"eos_token_id", 200020}};
}

std::filesystem::path write_config(const std::string& name, const json& j) {
  auto dir = test::temp_dir("phi3-config-" + name);
  std::ofstream(dir / "config.json") << j.dump();
  return dir / "config.json";
}

std::string parse_error(const std::string& name, const json& j) {
  try {
    parse_phi3_config(write_config(name, j));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(RuntimePhi3Config, ReleasedShapeDerivesRotaryDimAndMagnitudeScale) {
  const Phi3Config c = parse_phi3_config(write_config("released", released_like()));
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.rope.rotary_dim, 96);
  EXPECT_TRUE(c.rope.longrope);
  EXPECT_EQ(c.rope.original_max_positions, 4096);
  EXPECT_NEAR(c.rope.attention_scaling, std::sqrt(17.0 / 12.0), 1e-12);  // spec 6.4
  EXPECT_TRUE(c.tie_embeddings);
  EXPECT_EQ(c.eos_ids, std::vector<int32_t>{200020});

  Phi3Rope rope(c.rope, at::kCPU);
  EXPECT_EQ(rope.choose(4096), RopeFactorSet::short_factors);
  EXPECT_EQ(rope.choose(4097), RopeFactorSet::long_factors);
  // inv_freq_j = 1 / (f_j * 10000^(2j/96)); long factor j is 1 + j here.
  const double expected = 1.0 / (11.0 * std::pow(10000.0, 20.0 / 96.0));
  EXPECT_NEAR(rope.inv_freq(RopeFactorSet::long_factors)[10].item<double>(), expected, 1e-7 * expected);
}

TEST(RuntimePhi3Config, Transformers5RopeParametersForm) {
  json j = released_like();
  json rope = j["rope_scaling"];
  j.erase("rope_scaling");
  rope.erase("type");
  rope["rope_type"] = "longrope";
  rope["rope_theta"] = 250000.0;
  rope["partial_rotary_factor"] = 0.5;
  rope["short_factor"] = std::vector<double>(32, 1.0);
  rope["long_factor"] = std::vector<double>(32, 2.0);
  rope["attention_factor"] = 1.25;
  j["rope_parameters"] = rope;
  const Phi3Config c = parse_phi3_config(write_config("rope-parameters", j));
  EXPECT_EQ(c.rope.rotary_dim, 64);
  EXPECT_DOUBLE_EQ(c.rope.theta, 250000.0);
  EXPECT_DOUBLE_EQ(c.rope.attention_scaling, 1.25);
}

TEST(RuntimePhi3Config, ErrorsNameTheField) {
  json missing = released_like();
  missing.erase("hidden_size");
  EXPECT_NE(parse_error("missing", missing).find("'hidden_size': missing"), std::string::npos);

  json short_list = released_like();
  short_list["rope_scaling"]["long_factor"] = std::vector<double>(47, 1.0);
  const std::string e1 = parse_error("factors", short_list);
  EXPECT_NE(e1.find("'rope_scaling.long_factor': has 47 values, expected rotary_dim / 2 = 48"), std::string::npos) << e1;

  json window = released_like();
  window["sliding_window"] = 2048;
  EXPECT_NE(parse_error("window", window).find("'sliding_window'"), std::string::npos);

  json bias = released_like();
  bias["attention_bias"] = true;
  EXPECT_NE(parse_error("bias", bias).find("'attention_bias'"), std::string::npos);

  json kind = released_like();
  kind["rope_scaling"]["type"] = "dynamic";
  EXPECT_NE(parse_error("kind", kind).find("'dynamic' is not supported"), std::string::npos);

  json heads = released_like();
  heads["num_key_value_heads"] = 7;
  EXPECT_NE(parse_error("heads", heads).find("'num_key_value_heads'"), std::string::npos);
}

TEST(RuntimePhi3Loading, RegisteredAndUntiedConfigNeedsLmHead) {
  const auto types = known_model_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "phi3"), types.end());

  TinyCheckpointOptions o;
  o.arch = "phi3";
  o.n_layers = 2;
  o.write_tokenizer = false;
  const auto dir = test::tiny_checkpoint("phi3-tied-files", o);
  auto model = load_model(dir, "cpu");
  EXPECT_EQ(model->n_params(), 512 * 64 + 2 * (64 + (64 + 2 * 32) * 64 + 64 * 64 + 64 + 2 * 128 * 64 + 64 * 128) + 64);

  std::ifstream in(dir / "config.json");
  json j = json::parse(in);
  j["tie_word_embeddings"] = false;
  std::ofstream(dir / "config.json") << j.dump();
  try {
    load_model(dir, "cpu");
    FAIL() << "an untied config over tied files must fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("lm_head.weight"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rbench::runtime
