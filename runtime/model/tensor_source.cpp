// Checkpoint and random tensor sources; see tensor_source.h.
#include "runtime/model/tensor_source.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rbench::runtime {

namespace {

at::ScalarType scalar_type(StorageDtype d) {
  switch (d) {
    case StorageDtype::f32: return at::kFloat;
    case StorageDtype::f16: return at::kHalf;
    case StorageDtype::bf16: return at::kBFloat16;
    case StorageDtype::i64: return at::kLong;
    case StorageDtype::i32: return at::kInt;
  }
  return at::kFloat;
}

uint64_t mix_seed(uint64_t seed, const std::string& name) {
  uint64_t h = std::hash<std::string>{}(name);
  uint64_t z = seed + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

CheckpointSource::CheckpointSource(const std::filesystem::path& model_dir) : dir_(model_dir) {
  const auto index_path = model_dir / "model.safetensors.index.json";
  const auto single_path = model_dir / "model.safetensors";
  if (std::filesystem::exists(index_path)) {
    std::ifstream in(index_path);
    nlohmann::json index;
    try {
      index = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      throw std::runtime_error("weights index " + index_path.string() + ": not valid JSON: " + e.what());
    }
    if (!index.contains("weight_map") || !index["weight_map"].is_object())
      throw std::runtime_error("weights index " + index_path.string() + ": field 'weight_map' missing or not an object");
    std::map<std::string, std::shared_ptr<SafetensorsFile>> shards;
    for (const auto& [name, file] : index["weight_map"].items()) {
      const std::string shard = file.get<std::string>();
      auto& opened = shards[shard];
      if (!opened) opened = SafetensorsFile::open(model_dir / shard);
      if (!opened->tensors().count(name))
        throw std::runtime_error("weights " + (model_dir / shard).string() + ": tensor '" + name +
                                 "' is listed in model.safetensors.index.json but not in this shard");
      by_tensor_[name] = opened;
    }
  } else if (std::filesystem::exists(single_path)) {
    auto file = SafetensorsFile::open(single_path);
    for (const auto& [name, view] : file->tensors()) by_tensor_[name] = file;
  } else {
    throw std::runtime_error("weights " + model_dir.string() + ": neither model.safetensors nor model.safetensors.index.json found");
  }
}

std::vector<std::filesystem::path> CheckpointSource::files() const {
  std::set<std::filesystem::path> paths;
  for (const auto& [name, file] : by_tensor_) paths.insert(file->path());
  return {paths.begin(), paths.end()};
}

at::Tensor CheckpointSource::get(const TensorSpec& spec, at::ScalarType dtype, const at::Device& device) {
  auto it = by_tensor_.find(spec.name);
  if (it == by_tensor_.end())
    throw std::runtime_error("weights " + dir_.string() + ": tensor '" + spec.name + "' (expected shape " +
                             shape_string(spec.shape) + ") is missing");
  const auto& file = it->second;
  const TensorView& view = file->tensors().at(spec.name);
  const std::string where = "weights " + file->path().string() + ": tensor '" + spec.name + "'";
  if (view.dtype != StorageDtype::f32 && view.dtype != StorageDtype::f16 && view.dtype != StorageDtype::bf16)
    throw std::runtime_error(where + ": dtype " + std::string(to_string(view.dtype)) + ", expected F32, F16 or BF16");
  if (view.shape != spec.shape)
    throw std::runtime_error(where + ": shape " + shape_string(view.shape) + ", expected " + shape_string(spec.shape));
  taken_.insert(spec.name);
  auto mapping = file->mapping();
  at::Tensor raw = at::from_blob(const_cast<std::byte*>(view.data), view.shape, [mapping](void*) {},
                                 at::TensorOptions().dtype(scalar_type(view.dtype)));
  const bool aligned = reinterpret_cast<uintptr_t>(view.data) % element_size(view.dtype) == 0;
  if (!aligned) raw = raw.clone();
  at::Tensor out = raw.to(device, dtype);
  const int64_t n_bad = (~at::isfinite(out)).sum().item<int64_t>();
  if (n_bad > 0)
    throw std::runtime_error(where + ": " + std::to_string(n_bad) + " non-finite values (NaN or Inf), expected none");
  return out;
}

void CheckpointSource::finish() {
  for (const auto& [name, file] : by_tensor_) {
    if (taken_.count(name) || name == "lm_head.weight") continue;  // a tied head may be stored redundantly
    throw std::runtime_error("weights " + file->path().string() + ": tensor '" + name +
                             "' is not part of the model this config.json describes");
  }
}

at::Tensor random_tensor(const TensorSpec& spec, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(mix_seed(seed, spec.name));
  const auto opts = at::TensorOptions().dtype(at::kFloat);
  const auto& shape = spec.shape;
  auto normal = [&](double std) { return at::normal(0.0, std, shape, gen, opts); };
  auto uniform = [&](double lo, double hi) { return at::empty(shape, opts).uniform_(lo, hi, gen); };
  switch (spec.init) {
    case TensorInit::linear: return normal(1.0 / std::sqrt(static_cast<double>(shape.back())));
    case TensorInit::embedding: return normal(0.3);
    case TensorInit::norm_weight: return 1.0 + normal(0.1);
    case TensorInit::norm_bias: return normal(0.05);
    case TensorInit::bias: return normal(0.05);
    case TensorInit::conv: return uniform(-0.5, 0.5);
    case TensorInit::a_log: return at::log(uniform(1.0, 16.0));
    case TensorInit::d_skip: return 1.0 + normal(0.1);
    case TensorInit::dt_bias: {
      at::Tensor dt = at::exp(uniform(std::log(1e-3), std::log(1e-1)));
      return dt + at::log(-at::expm1(-dt));  // inverse of softplus
    }
    case TensorInit::lambda: return normal(0.1);
    case TensorInit::ones: return at::ones(shape, opts);
  }
  return normal(1.0);
}

at::Tensor RandomSource::get(const TensorSpec& spec, at::ScalarType dtype, const at::Device& device) {
  return random_tensor(spec, seed_).to(device, dtype);
}

}  // namespace rbench::runtime
