// rbench make-tiny: a random checkpoint in the Hugging Face layout of Phi-4-mini-flash or (arch phi3) of
// Phi-4-mini-reasoning; see tools.h. The tensor list comes from the same manifest the loader checks against, so
// the two cannot drift apart.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "runtime/model/safetensors.h"
#include "runtime/models/phi3.h"
#include "runtime/models/sambay.h"
#include "runtime/tools.h"
#include "runtime/tools/checkpoint_json.h"
#include "runtime/tools/tiny_tokenizer.h"

namespace rbench::runtime {

namespace {

using nlohmann::json;

SambaYConfigFields sambay_fields(const TinyCheckpointOptions& o, const TinyTokenizerIds& ids) {
  if (o.layout != "sambay" && o.layout != "samba" && o.layout != "sambayoco")
    throw std::runtime_error("make-tiny: --layout must be sambay, samba or sambayoco, got '" + o.layout + "'");
  SambaYConfigFields f;
  f.hidden = o.hidden, f.intermediate = o.intermediate, f.n_layers = o.n_layers;
  f.n_heads = o.n_heads, f.n_kv_heads = o.n_kv_heads, f.vocab = o.vocab;
  f.window = o.window, f.window_as_list = o.window_as_list, f.mamba_d_state = o.mamba_d_state;
  f.torch_dtype = o.dtype == "f32" ? "float32" : o.dtype == "bf16" ? "bfloat16" : "float16";
  f.layout = o.layout, f.differential = o.differential, f.bos = ids.bos;
  return f;
}

// A Phi-4-mini-style config: partial LongRoPE with seeded factor sets (short near 1, long rising like the release's)
// and max_position_embeddings = 32 x original_max_position_embeddings, which gives the release's magnitude scale form.
json phi3_config_json(const TinyCheckpointOptions& o, const TinyTokenizerIds& ids) {
  if (o.n_heads <= 0 || o.hidden % o.n_heads != 0)
    throw std::runtime_error("make-tiny: --hidden " + std::to_string(o.hidden) + " must be a multiple of --heads " +
                             std::to_string(o.n_heads));
  const auto rotary_dim = static_cast<int64_t>(static_cast<double>(o.hidden / o.n_heads) * o.rotary_fraction);
  if (rotary_dim <= 0 || rotary_dim % 2 != 0)
    throw std::runtime_error("make-tiny: --rotary-fraction " + std::to_string(o.rotary_fraction) +
                             " gives an odd or empty rotary dimension " + std::to_string(rotary_dim));
  std::mt19937_64 rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
  std::uniform_real_distribution<double> near_one(1.0, 1.5), spread(0.8, 1.25);
  std::vector<double> short_factor, long_factor;
  for (int64_t j = 0; j < rotary_dim / 2; ++j) {
    short_factor.push_back(near_one(rng));
    long_factor.push_back((1.0 + 40.0 * static_cast<double>(j) / static_cast<double>(rotary_dim / 2)) * spread(rng));
  }
  const int64_t max_positions = 32 * o.original_max_positions;
  return {
      {"architectures", {"Phi3ForCausalLM"}},
      {"model_type", "phi3"},
      {"hidden_size", o.hidden},
      {"intermediate_size", o.intermediate},
      {"num_hidden_layers", o.n_layers},
      {"num_attention_heads", o.n_heads},
      {"num_key_value_heads", o.n_kv_heads},
      {"vocab_size", o.vocab},
      {"rms_norm_eps", 1e-5},
      {"hidden_act", "silu"},
      {"max_position_embeddings", max_positions},
      {"original_max_position_embeddings", o.original_max_positions},
      {"rope_theta", 10000.0},
      {"partial_rotary_factor", o.rotary_fraction},
      {"rope_scaling", {{"type", "longrope"}, {"short_factor", short_factor}, {"long_factor", long_factor}}},
      {"sliding_window", max_positions},
      {"tie_word_embeddings", o.tie_embeddings},
      {"attention_bias", false},
      {"attention_dropout", 0.0},
      {"embd_pdrop", 0.0},
      {"resid_pdrop", 0.0},
      {"initializer_range", 0.02},
      {"use_cache", true},
      {"torch_dtype", o.dtype == "f32" ? "float32" : o.dtype == "bf16" ? "bfloat16" : "float16"},
      {"bos_token_id", ids.bos},
      {"eos_token_id", ids.bos},
      {"pad_token_id", ids.bos},
  };
}

StorageDtype storage_dtype(const std::string& name) {
  if (name == "f32") return StorageDtype::f32;
  if (name == "bf16") return StorageDtype::bf16;
  if (name == "f16") return StorageDtype::f16;
  throw std::runtime_error("make-tiny: --dtype must be f32, bf16 or f16, got '" + name + "'");
}

at::ScalarType scalar_type(StorageDtype d) {
  return d == StorageDtype::f32 ? at::kFloat : d == StorageDtype::bf16 ? at::kBFloat16 : at::kHalf;
}

void write_weights(const TinyCheckpointOptions& o, const std::vector<TensorSpec>& specs) {
  const StorageDtype matrices = storage_dtype(o.dtype);
  std::vector<at::Tensor> values;
  std::vector<TensorToWrite> all;
  values.reserve(specs.size());
  for (const auto& spec : specs) {
    const StorageDtype d = spec.store_f32 ? StorageDtype::f32 : matrices;
    values.push_back(random_tensor(spec, o.seed).to(scalar_type(d)).contiguous());
    all.push_back({spec.name, d, spec.shape, values.back().data_ptr(),
                   static_cast<std::size_t>(values.back().numel()) * element_size(d)});
  }
  if (o.n_shards <= 1) {
    write_safetensors(o.out_dir / "model.safetensors", all, {{"format", "pt"}});
    return;
  }
  json weight_map = json::object();
  std::size_t total = 0;
  const std::size_t per_shard = (all.size() + o.n_shards - 1) / o.n_shards;
  for (int s = 0; s < o.n_shards; ++s) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", s + 1, o.n_shards);
    std::vector<TensorToWrite> shard;
    for (std::size_t i = s * per_shard; i < std::min(all.size(), (s + 1) * per_shard); ++i) {
      shard.push_back(all[i]);
      weight_map[all[i].name] = name;
      total += all[i].n_bytes;
    }
    write_safetensors(o.out_dir / name, shard, {{"format", "pt"}});
  }
  write_json(o.out_dir / "model.safetensors.index.json", {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}});
}

}  // namespace

void make_tiny_checkpoint(const TinyCheckpointOptions& options) {
  if (options.arch != "phi4flash" && options.arch != "phi3")
    throw std::runtime_error("make-tiny: --arch must be phi4flash or phi3, got '" + options.arch + "'");
  if (options.out_dir.empty()) throw std::runtime_error("make-tiny: --out is required");
  std::filesystem::create_directories(options.out_dir);
  TinyCheckpointOptions o = options;
  TinyTokenizerIds ids = o.write_tokenizer ? write_tiny_tokenizer_files(o.out_dir) : TinyTokenizerIds{};
  if (!o.write_tokenizer) ids = {static_cast<int32_t>(o.vocab - 1), static_cast<int32_t>(o.vocab - 2)};
  if (ids.vocab_size > o.vocab) o.vocab = (ids.vocab_size + 63) / 64 * 64;
  const bool phi3 = o.arch == "phi3";
  write_json(o.out_dir / "config.json", phi3 ? phi3_config_json(o, ids) : sambay_config_json(sambay_fields(o, ids)));
  write_json(o.out_dir / "generation_config.json",
             {{"bos_token_id", ids.bos}, {"eos_token_id", {ids.end, ids.bos}}, {"pad_token_id", ids.bos}});
  write_weights(o, phi3 ? phi3_tensor_manifest(parse_phi3_config(o.out_dir / "config.json"))
                        : sambay_tensor_manifest(parse_sambay_config(o.out_dir / "config.json")));
}

}  // namespace rbench::runtime
