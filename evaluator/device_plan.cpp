// Device lists and batch defaults for rbench run (see device_plan.h).
#include "evaluator/device_plan.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace rbench::evaluator {

namespace {

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

std::vector<std::string> plan_devices(const std::string& device, const std::optional<std::string>& devices_flag,
                                      int visible_gpus) {
  if (devices_flag) {
    auto devices = comma_list(*devices_flag);
    if (devices.empty()) throw std::invalid_argument("--devices names no device (expected e.g. cuda:0,cuda:1)");
    return devices;
  }
  if (device.empty()) throw std::invalid_argument("--device is empty (expected cpu, cuda or cuda:N)");
  if (device == "cuda" && visible_gpus > 1) {
    std::vector<std::string> devices;
    for (int i = 0; i < visible_gpus; ++i) devices.push_back("cuda:" + std::to_string(i));
    return devices;
  }
  return {device};
}

int plan_max_batch(const std::optional<std::string>& flag, const std::string& first_device) {
  if (!flag) return first_device.rfind("cuda", 0) == 0 ? kMaxBatchForMax : kCpuDefaultMaxBatch;
  if (*flag == "max") return kMaxBatchForMax;
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(*flag, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != flag->size() || value < 1)
    throw std::invalid_argument("--max-batch '" + *flag + "': expected a positive integer or 'max'");
  return value;
}

int count_visible_gpus(const char* cuda_visible_devices, const std::string& driver_dir) {
  if (cuda_visible_devices) {
    const std::string text = cuda_visible_devices;
    if (text.empty() || text == "-1") return 0;
    return static_cast<int>(comma_list(text).size());
  }
  std::error_code ec;
  int n = 0;
  for (std::filesystem::directory_iterator it(driver_dir, ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

}  // namespace rbench::evaluator
