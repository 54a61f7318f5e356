// JSON Lines input: one JSON object per line, each kept with its line number so that a missing or empty
// field is reported as "<file>:<line>: field '<name>' ...".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rbench::tasks {

class JsonlRecord {
 public:
  JsonlRecord(std::string source, std::size_t line, nlohmann::json object)
      : source_(std::move(source)), line_(line), object_(std::move(object)) {}

  std::size_t line() const { return line_; }
  const nlohmann::json& object() const { return object_; }

  // The field as text: a JSON string, or an integer written in decimal (AIME answers and ids appear both
  // ways in public copies). Throws DatasetError when it is missing, of another type, or blank.
  std::string text(const std::string& field) const;

  // The field if present (any type), else null.
  nlohmann::json optional(const std::string& field) const;

 private:
  std::string source_;
  std::size_t line_;
  nlohmann::json object_;
};

// Parses every non-blank line of `text` as a JSON object. Throws DatasetError naming `source` and the line
// for a line that is not valid JSON (e.g. truncated) or not an object, and for a file with no records.
std::vector<JsonlRecord> parse_jsonl(std::string_view text, const std::string& source);

}  // namespace rbench::tasks
