// Presets, suite files and shard specs turned into RunConfig values (see run_config.h).
#include "evaluator/run_config.h"

#include <fstream>
#include <set>
#include <stdexcept>

namespace rbench::evaluator {

nlohmann::json Sampling::to_json() const {
  return {{"temperature", temperature}, {"top_p", top_p}, {"top_k", top_k}, {"min_p", min_p},
          {"max_new_tokens", max_new_tokens}};
}

nlohmann::json RunConfig::protocol_json() const {
  nlohmann::json tasks_json = nlohmann::json::object();
  for (const auto& t : tasks) tasks_json[t.name] = t.n_samples;
  nlohmann::json j = {{"suite", suite}, {"tasks", tasks_json}, {"sampling", sampling.to_json()}, {"seed", seed}};
  if (limit) j["limit"] = *limit;
  return j;
}

std::optional<RunConfig> preset(const std::string& name) {
  RunConfig c;
  c.suite = name;
  if (name == "paper") {
    c.tasks = {{"aime24", 64}, {"aime25", 64}, {"math500", 8}, {"gpqa_diamond", 8}};
    c.sampling = Sampling{0.6, 0.95, 0, 0.0, 32768};
    return c;
  }
  if (name == "smoke") {
    c.tasks = {{"smoke", 1}};
    c.sampling = Sampling{0.0, 1.0, 0, 0.0, 512};
    return c;
  }
  return std::nullopt;
}

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

template <typename T>
T get_as(const nlohmann::json& j, const std::filesystem::path& path, const std::string& key) {
  try {
    return j.get<T>();
  } catch (const nlohmann::json::exception&) {
    fail(path, "field '" + key + "' has the wrong type (" + std::string(j.type_name()) + ")");
  }
}

void check_keys(const nlohmann::json& j, const std::set<std::string>& allowed, const std::filesystem::path& path,
                const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key())) fail(path, "unknown key '" + where + it.key() + "'");
}

}  // namespace

RunConfig read_suite_file(const std::filesystem::path& path, RunConfig base) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open the suite file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    fail(path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) fail(path, "the suite file must hold a JSON object");
  check_keys(j, {"suite", "tasks", "sampling", "seed", "limit", "device", "max_batch"}, path, "");
  base.suite = j.contains("suite") ? get_as<std::string>(j["suite"], path, "suite") : path.stem().string();
  if (j.contains("tasks")) {
    const auto& t = j["tasks"];
    if (!t.is_object() || t.empty()) fail(path, "'tasks' must be a non-empty object {task name: samples}");
    base.tasks.clear();
    for (auto it = t.begin(); it != t.end(); ++it) {
      int n = get_as<int>(it.value(), path, "tasks." + it.key());
      if (n < 1) fail(path, "'tasks." + it.key() + "' must be at least 1");
      base.tasks.push_back({it.key(), n});
    }
  }
  if (j.contains("sampling")) {
    const auto& s = j["sampling"];
    check_keys(s, {"temperature", "top_p", "top_k", "min_p", "max_new_tokens"}, path, "sampling.");
    if (s.contains("temperature")) base.sampling.temperature = get_as<double>(s["temperature"], path, "sampling.temperature");
    if (s.contains("top_p")) base.sampling.top_p = get_as<double>(s["top_p"], path, "sampling.top_p");
    if (s.contains("top_k")) base.sampling.top_k = get_as<int>(s["top_k"], path, "sampling.top_k");
    if (s.contains("min_p")) base.sampling.min_p = get_as<double>(s["min_p"], path, "sampling.min_p");
    if (s.contains("max_new_tokens"))
      base.sampling.max_new_tokens = get_as<int>(s["max_new_tokens"], path, "sampling.max_new_tokens");
  }
  if (j.contains("seed")) base.seed = get_as<uint64_t>(j["seed"], path, "seed");
  if (j.contains("limit")) base.limit = get_as<int>(j["limit"], path, "limit");
  if (j.contains("device")) base.device = get_as<std::string>(j["device"], path, "device");
  if (j.contains("max_batch")) base.max_batch = get_as<int>(j["max_batch"], path, "max_batch");
  return base;
}

Shard parse_shard(const std::string& text) {
  auto slash = text.find('/');
  Shard s;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    size_t used = 0;
    s.index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("trailing characters");
    s.count = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw std::invalid_argument("shard '" + text + "' is not of the form I/N (e.g. 0/4)");
  }
  if (s.count < 1 || s.index < 0 || s.index >= s.count)
    throw std::invalid_argument("shard '" + text + "': need 0 <= I < N");
  return s;
}

}  // namespace rbench::evaluator
