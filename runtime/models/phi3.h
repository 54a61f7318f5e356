// The Phi3 architecture (Phi3ForCausalLM: Phi-4-mini-reasoning, the Transformer baseline): the tensor list a
// config implies and the model built from a tensor source. One file per architecture; models/registry.cpp holds
// the one line that makes it loadable by model_type "phi3".
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/model/tensor_source.h"
#include "runtime/models/phi3_config.h"

namespace rbench::runtime {

// Every tensor of a checkpoint in the HF layout, in file order (lm_head.weight only when untied).
std::vector<TensorSpec> phi3_tensor_manifest(const Phi3Config& config);

// device "cpu": float32 weights and compute; "cuda[:n]": bfloat16 weights, compute and residual stream (as the
// reference keeps it); a "/f32" or "/bf16" suffix overrides the dtype (parse_placement).
std::unique_ptr<Model> build_phi3(const Phi3Config& config, TensorSource& source, const std::string& device);

// config.json + the checkpoint's weights in `dir` (the registry's loader).
std::unique_ptr<Model> load_phi3(const std::filesystem::path& dir, const std::string& device);

}  // namespace rbench::runtime
