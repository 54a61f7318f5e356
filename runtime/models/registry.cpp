// The architecture registry: model_type -> loader. Adding an architecture is one file plus one line here.
#include "runtime/models/registry.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "runtime/models/phi3.h"
#include "runtime/models/sambay.h"

namespace rbench::runtime {

namespace {

using Loader = std::unique_ptr<Model> (*)(const std::filesystem::path& dir, const std::string& device);

std::unique_ptr<Model> load_sambay(const std::filesystem::path& dir, const std::string& device) {
  const SambaYConfig config = parse_sambay_config(dir / "config.json");
  CheckpointSource source(dir);
  return build_sambay(config, source, device);
}

struct Entry {
  const char* model_type;
  Loader load;
};

constexpr Entry kArchitectures[] = {
    {"phi4flash", load_sambay},
    {"phi3", load_phi3},
};

}  // namespace

std::vector<std::string> known_model_types() {
  std::vector<std::string> names;
  for (const auto& e : kArchitectures) names.emplace_back(e.model_type);
  return names;
}

std::unique_ptr<Model> load_model(const std::filesystem::path& model_dir, const std::string& device) {
  const auto config_path = model_dir / "config.json";
  std::ifstream in(config_path);
  if (!in) throw std::runtime_error("config " + config_path.string() + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error("config " + config_path.string() + ": not valid JSON: " + e.what());
  }
  const std::string type = j.contains("model_type") && j["model_type"].is_string() ? j["model_type"].get<std::string>() : "";
  for (const auto& e : kArchitectures)
    if (type == e.model_type) return e.load(model_dir, device);
  std::string known;
  for (const auto& name : known_model_types()) known += (known.empty() ? "" : ", ") + name;
  throw std::runtime_error("config " + config_path.string() + ": field 'model_type': unknown model_type '" + type +
                           "' (known: " + known + ")");
}

}  // namespace rbench::runtime
