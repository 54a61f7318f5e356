// DatabaseError: the one exception type of the results store. It carries the operation that failed (what the
// harness was doing, e.g. "insert sample run=3 task=math500 problem=p1 index=0"), the SQLite result code and
// SQLite's own message, so "database is locked" or "database or disk is full" reach the user verbatim.
#pragma once

#include <stdexcept>
#include <string>

namespace rbench::results {

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string operation, int sqlite_code, std::string sqlite_message)
      : std::runtime_error("results database: " + operation + ": " + sqlite_message + " (sqlite code " +
                           std::to_string(sqlite_code) + ")"),
        operation_(std::move(operation)),
        sqlite_code_(sqlite_code),
        sqlite_message_(std::move(sqlite_message)) {}

  const std::string& operation() const { return operation_; }
  // The primary SQLite result code (SQLITE_BUSY, SQLITE_FULL, ...); 0 for errors found by our own checks.
  int sqlite_code() const { return sqlite_code_; }
  const std::string& sqlite_message() const { return sqlite_message_; }

 private:
  std::string operation_;
  int sqlite_code_;
  std::string sqlite_message_;
};

}  // namespace rbench::results
