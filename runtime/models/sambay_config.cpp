// Parsing and validation of the SambaY config.json into SambaYConfig; see sambay_config.h.
#include "runtime/models/sambay_config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rbench::runtime {

namespace {

using nlohmann::json;

class FieldReader {
 public:
  FieldReader(const std::filesystem::path& path, const json& j) : path_(path), j_(j) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw std::runtime_error("config " + path_.string() + ": field '" + field + "': " + what);
  }
  bool has(const std::string& field) const { return j_.contains(field) && !j_[field].is_null(); }
  const json& raw(const std::string& field) const { return j_[field]; }

  int64_t positive_int(const std::string& field) const {
    if (!has(field)) fail(field, "missing");
    return positive_int_value(field, j_[field]);
  }
  int64_t positive_int_or(const std::string& field, int64_t fallback) const {
    return has(field) ? positive_int_value(field, j_[field]) : fallback;
  }
  int64_t positive_int_value(const std::string& field, const json& v) const {
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) fail(field, "expected a positive integer, got " + v.dump());
    return v.get<int64_t>();
  }
  double number_or(const std::string& field, double fallback) const {
    if (!has(field)) return fallback;
    if (!j_[field].is_number() || j_[field].get<double>() <= 0) fail(field, "expected a positive number");
    return j_[field].get<double>();
  }
  bool bool_or(const std::string& field, bool fallback) const {
    if (!has(field)) return fallback;
    if (!j_[field].is_boolean()) fail(field, "expected true or false, got " + j_[field].dump());
    return j_[field].get<bool>();
  }
  // A field HF ignores: accepted only when it equals what HF builds anyway.
  void must_equal_if_present(const std::string& field, const json& expected) const {
    if (has(field) && j_[field] != expected)
      fail(field, "is " + j_[field].dump() + " but the reference model always uses " + expected.dump() +
                      " (the HF modeling code ignores this field); refusing to build a different model");
  }

 private:
  const std::filesystem::path& path_;
  const json& j_;
};

std::vector<LayerKind> layer_kinds(const FieldReader& f, SambaYLayout layout, int64_t n_layers, int64_t mb) {
  std::vector<LayerKind> kinds(static_cast<std::size_t>(n_layers));
  auto mamba_slot = [mb](int64_t i) { return i % mb == 0; };
  if (layout == SambaYLayout::samba) {
    for (int64_t i = 0; i < n_layers; ++i)
      kinds[i] = mamba_slot(i) ? LayerKind::mamba : LayerKind::sliding_attention;
    return kinds;
  }
  if (n_layers % 4 != 0) f.fail("num_hidden_layers", "must be divisible by 4 for a YOCO layout, got " + std::to_string(n_layers));
  const int64_t h = n_layers / 2;
  if (!mamba_slot(h) || mamba_slot(h + 1))
    f.fail("mb_per_layer", "layer " + std::to_string(h) + " must be Mamba and layer " + std::to_string(h + 1) +
                               " attention for the cross-decoder split; mb_per_layer=" + std::to_string(mb) + " breaks that");
  for (int64_t i = 0; i < n_layers; ++i) {
    if (i < h) kinds[i] = mamba_slot(i) ? LayerKind::mamba : LayerKind::sliding_attention;
    else if (i == h) kinds[i] = layout == SambaYLayout::sambay ? LayerKind::mamba_memory : LayerKind::mamba;
    else if (i == h + 1) kinds[i] = LayerKind::full_attention;
    else if (layout == SambaYLayout::sambay) kinds[i] = mamba_slot(i) ? LayerKind::gmu : LayerKind::cross_attention;
    else kinds[i] = LayerKind::cross_attention;
  }
  return kinds;
}

}  // namespace

std::string_view to_string(SambaYLayout layout) {
  switch (layout) {
    case SambaYLayout::sambay: return "sambay";
    case SambaYLayout::samba: return "samba";
    case SambaYLayout::sambayoco: return "sambayoco";
  }
  return "?";
}

int64_t SambaYConfig::n_shared_kv_layers() const {
  int64_t n = 0;
  for (auto k : kinds) n += k == LayerKind::full_attention;
  return n;
}

SambaYConfig parse_sambay_config(const std::filesystem::path& config_json) {
  std::ifstream in(config_json);
  if (!in) throw std::runtime_error("config " + config_json.string() + ": cannot open");
  json j;
  try {
    j = json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error("config " + config_json.string() + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("config " + config_json.string() + ": not a JSON object");
  FieldReader f(config_json, j);
  if (!f.has("model_type") || !j["model_type"].is_string()) f.fail("model_type", "missing");
  if (j["model_type"] != "phi4flash")
    f.fail("model_type", "is " + j["model_type"].dump() + ", expected \"phi4flash\" for the SambaY architecture");

  SambaYConfig c;
  c.hidden = f.positive_int("hidden_size");
  c.intermediate = f.positive_int("intermediate_size");
  c.n_layers = f.positive_int("num_hidden_layers");
  c.n_heads = f.positive_int("num_attention_heads");
  c.n_kv_heads = f.positive_int("num_key_value_heads");
  c.vocab = f.positive_int("vocab_size");
  c.norm_eps = f.number_or("layer_norm_eps", 1e-5);
  c.tie_embeddings = f.bool_or("tie_word_embeddings", true);
  c.mamba_d_state = f.positive_int_or("mamba_d_state", 16);
  c.mamba_d_conv = f.positive_int_or("mamba_d_conv", 4);
  c.mamba_expand = f.positive_int_or("mamba_expand", 2);
  const int64_t mb = f.positive_int_or("mb_per_layer", 2);
  if (c.hidden % c.n_heads != 0)
    f.fail("num_attention_heads", std::to_string(c.n_heads) + " does not divide hidden_size " + std::to_string(c.hidden));
  c.head_dim = c.hidden / c.n_heads;
  if (f.has("head_dim") && f.positive_int("head_dim") != c.head_dim)
    f.fail("head_dim", "must equal hidden_size / num_attention_heads = " + std::to_string(c.head_dim));
  if (c.n_heads % c.n_kv_heads != 0)
    f.fail("num_key_value_heads", std::to_string(c.n_kv_heads) + " does not divide num_attention_heads " + std::to_string(c.n_heads));
  c.mamba_d_inner = c.mamba_expand * c.hidden;
  c.mamba_dt_rank = (c.hidden + 15) / 16;
  if (f.has("hidden_act") && j["hidden_act"] != "silu") f.fail("hidden_act", "only \"silu\" is supported, got " + j["hidden_act"].dump());
  if (f.has("mamba_dt_rank") && j["mamba_dt_rank"] != "auto") f.must_equal_if_present("mamba_dt_rank", c.mamba_dt_rank);
  f.must_equal_if_present("mamba_conv_bias", true);
  f.must_equal_if_present("mamba_proj_bias", false);
  f.must_equal_if_present("mlp_bias", false);
  f.must_equal_if_present("lm_head_bias", false);

  if (f.has("rbench_layout")) {
    const auto& v = j["rbench_layout"];
    if (v == "sambay") c.layout = SambaYLayout::sambay;
    else if (v == "samba") c.layout = SambaYLayout::samba;
    else if (v == "sambayoco") c.layout = SambaYLayout::sambayoco;
    else f.fail("rbench_layout", "is " + v.dump() + ", expected \"sambay\", \"samba\" or \"sambayoco\"");
  }
  c.differential = f.bool_or("rbench_differential", true);
  if (c.differential && (c.n_heads % 2 != 0 || c.n_kv_heads % 2 != 0))
    f.fail("num_key_value_heads", "differential attention pairs heads: num_attention_heads (" + std::to_string(c.n_heads) +
                                      ") and num_key_value_heads (" + std::to_string(c.n_kv_heads) + ") must be even");
  c.kinds = layer_kinds(f, c.layout, c.n_layers, mb);

  c.windows.assign(c.kinds.size(), 0);
  if (!f.has("sliding_window")) f.fail("sliding_window", "missing");
  const json& sw = j["sliding_window"];
  for (std::size_t i = 0; i < c.kinds.size(); ++i) {
    const std::string field = sw.is_array() ? "sliding_window[" + std::to_string(i) + "]" : "sliding_window";
    if (sw.is_array() && sw.size() != c.kinds.size())
      f.fail("sliding_window", "list has " + std::to_string(sw.size()) + " entries for " + std::to_string(c.kinds.size()) + " layers");
    const json& v = sw.is_array() ? sw[i] : sw;
    if (c.kinds[i] == LayerKind::sliding_attention) {
      c.windows[i] = f.positive_int_value(field, v);
    } else if (sw.is_array() && !v.is_null()) {
      f.fail(field, "is " + v.dump() + " but layer " + std::to_string(i) + " is " + std::string(to_string(c.kinds[i])) +
                        ", which has no window (expected null)");
    }
  }
  if (f.has("eos_token_id")) {
    const json& e = j["eos_token_id"];
    if (e.is_number_integer()) c.eos_ids.push_back(e.get<int32_t>());
    else if (e.is_array())
      for (const auto& x : e) c.eos_ids.push_back(x.get<int32_t>());
  }
  return c;
}

}  // namespace rbench::runtime
