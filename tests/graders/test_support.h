// Helpers shared by the graders tests: reading the environment the test runner provides and JSONL files.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace rbench::graders::testing {

// The value of an environment variable the ctest setup always provides; throws when it is missing.
std::string required_env(const char* name);

// Every line of a JSONL file, parsed; throws naming the file and line on a malformed line.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);

}  // namespace rbench::graders::testing
