// The one error type of dataset reading: a missing, unreadable or malformed source file. Its message always
// names the file and, where the fault is inside it, the line (JSONL line, CSV record's first line) and field,
// so a broken dataset can be fixed without a debugger.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace rbench::tasks {

class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;

  // "<file>:<line>: <what>" (line 0 means the fault is in the file as a whole: "<file>: <what>").
  static DatasetError at(const std::string& file, std::size_t line, const std::string& what) {
    return DatasetError(line == 0 ? file + ": " + what : file + ":" + std::to_string(line) + ": " + what);
  }
};

}  // namespace rbench::tasks
