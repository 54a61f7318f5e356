// Which engines a run opens and how many sequences each keeps in flight: `--device cuda` with N visible GPUs means
// one engine per GPU (cuda:0 .. cuda:N-1), `--devices cuda:0,cuda:2` or `--devices cpu,cpu` names them; and
// `--max-batch` defaults per device kind (CPU: 8; CUDA: "max", as many as the engine's memory-based pool allows).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rbench::evaluator {

constexpr int kCpuDefaultMaxBatch = 8;
// "max": the engine clips it to the sequence states its free device memory holds.
constexpr int kMaxBatchForMax = 256;

// The devices to open. devices_flag (comma list) wins over device; "cuda" alone expands to every visible GPU
// (visible_gpus of them, at least one); anything else is one device. Throws std::invalid_argument for an empty list.
std::vector<std::string> plan_devices(const std::string& device, const std::optional<std::string>& devices_flag,
                                      int visible_gpus);

// --max-batch: a positive integer or "max"; absent: the default of the device kind (cuda*: max, else 8).
// Throws std::invalid_argument naming the flag for anything else.
int plan_max_batch(const std::optional<std::string>& flag, const std::string& first_device);

// GPUs this process may use: CUDA_VISIBLE_DEVICES when set (its entries; "" or "-1" means none), else the GPUs the
// NVIDIA driver lists under driver_dir (/proc/driver/nvidia/gpus). No CUDA call, so the CLI stays runtime-free.
int count_visible_gpus(const char* cuda_visible_devices, const std::string& driver_dir = "/proc/driver/nvidia/gpus");

}  // namespace rbench::evaluator
