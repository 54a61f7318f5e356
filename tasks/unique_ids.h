// Guard shared by the readers: a problem id may appear only once in a source file, because results are
// keyed by (task, problem id, sample index).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "tasks/dataset_error.h"

namespace rbench::tasks {

class UniqueIds {
 public:
  explicit UniqueIds(std::string source) : source_(std::move(source)) {}

  // Throws DatasetError naming both lines when `id` was already seen.
  void add(const std::string& id, std::size_t line) {
    const auto [it, inserted] = first_line_.emplace(id, line);
    if (!inserted) {
      throw DatasetError::at(source_, line,
                             "duplicate problem id '" + id + "' (first seen on line " +
                                 std::to_string(it->second) + ")");
    }
  }

 private:
  std::string source_;
  std::unordered_map<std::string, std::size_t> first_line_;
};

}  // namespace rbench::tasks
