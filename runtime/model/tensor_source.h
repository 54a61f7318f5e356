// Where a model's weights come from. A model lists the tensors it needs (TensorSpec: name, shape, how a random
// one is initialised) and asks a TensorSource for each; CheckpointSource reads a Hugging Face checkpoint
// directory (one safetensors file or shards through model.safetensors.index.json) and checks every tensor's
// name, shape, dtype and finiteness; RandomSource makes seeded random weights (tiny test checkpoints and the
// full-size random-weight GPU test). Both convert to the dtype and device the model asks for.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/model/safetensors.h"

namespace rbench::runtime {

// How a random tensor is initialised (only RandomSource reads this).
enum class TensorInit { linear, embedding, norm_weight, norm_bias, bias, conv, a_log, d_skip, dt_bias, lambda, ones };

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  TensorInit init = TensorInit::linear;
  bool store_f32 = false;  // the released checkpoint keeps this tensor in F32 (A_log, lambda_*)
};

std::string shape_string(const std::vector<int64_t>& shape);

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  // The tensor `spec` converted to `dtype` on `device`; throws naming the file, tensor, expected and actual.
  virtual at::Tensor get(const TensorSpec& spec, at::ScalarType dtype, const at::Device& device) = 0;
  // Called after the last get(): a checkpoint source rejects tensors nobody asked for.
  virtual void finish() {}
};

class CheckpointSource final : public TensorSource {
 public:
  explicit CheckpointSource(const std::filesystem::path& model_dir);
  at::Tensor get(const TensorSpec& spec, at::ScalarType dtype, const at::Device& device) override;
  void finish() override;
  // The weight files in a stable order (for hashing).
  std::vector<std::filesystem::path> files() const;

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::shared_ptr<SafetensorsFile>> by_tensor_;
  std::set<std::string> taken_;
};

class RandomSource final : public TensorSource {
 public:
  explicit RandomSource(uint64_t seed) : seed_(seed) {}
  at::Tensor get(const TensorSpec& spec, at::ScalarType dtype, const at::Device& device) override;

 private:
  uint64_t seed_;
};

// A float32 CPU tensor with the random values RandomSource would give (used by make-tiny to write files).
at::Tensor random_tensor(const TensorSpec& spec, uint64_t seed);

}  // namespace rbench::runtime
