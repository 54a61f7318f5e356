// The JSON files of a SambaY checkpoint directory that rbench writes itself (make-tiny's random checkpoints and
// train-default's trained one): one writer of config.json for the phi4flash family, so both produce the same
// fields the loader (models/sambay_config.cpp) reads, and one JSON file writer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace rbench::runtime {

struct SambaYConfigFields {
  int64_t hidden = 64, intermediate = 128, n_layers = 8, n_heads = 4, n_kv_heads = 2, vocab = 512;
  int64_t window = 16;
  bool window_as_list = false;       // HF's per-layer list: the window on self-decoder attention layers, null elsewhere
  int64_t mamba_d_state = 16;
  int64_t max_positions = 65536;
  std::string torch_dtype = "float32";
  std::string layout = "sambay";     // sambay | samba | sambayoco
  bool differential = true;
  int32_t bos = 0;                   // <|endoftext|>: bos, eos and pad
  std::string trained_by;            // non-empty: recorded as rbench_trained_by
};

// Throws std::runtime_error for an unknown layout.
nlohmann::json sambay_config_json(const SambaYConfigFields& fields);

// Writes j, indented, to path; throws std::runtime_error naming the path when it cannot.
void write_json(const std::filesystem::path& path, const nlohmann::json& j);

}  // namespace rbench::runtime
