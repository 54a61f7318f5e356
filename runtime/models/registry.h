// Architectures by config.json model_type: one line per architecture in registry.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runtime/model/model.h"

namespace rbench::runtime {

// Reads config.json's model_type and loads the checkpoint in `model_dir` with that architecture on `device`
// ("cpu" or "cuda[:n]"). Unknown model_type: an error naming it and the known ones.
std::unique_ptr<Model> load_model(const std::filesystem::path& model_dir, const std::string& device);

std::vector<std::string> known_model_types();

}  // namespace rbench::runtime
