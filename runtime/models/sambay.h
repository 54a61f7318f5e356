// The SambaY architecture (Phi-4-mini-flash and its layout variants): the tensor list a config implies and the
// model built from a tensor source. One file per architecture; models/registry.cpp holds the one line that
// makes it loadable by model_type.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/model/tensor_source.h"
#include "runtime/models/sambay_config.h"

namespace rbench::runtime {

// Every tensor of a checkpoint in the HF layout, in file order, with its shape derived from the layer kind.
std::vector<TensorSpec> sambay_tensor_manifest(const SambaYConfig& config);

// device "cpu": float32 weights and compute; "cuda[:n]": bfloat16 weights and compute with an FP32 residual
// stream and FP32 scan state; see parse_placement() for the dtype override.
std::unique_ptr<Model> build_sambay(const SambaYConfig& config, TensorSource& source, const std::string& device);

}  // namespace rbench::runtime
