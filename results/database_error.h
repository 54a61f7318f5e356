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
                           std::to_string(sqlite_code) + ")" + remedy(sqlite_code)),
        operation_(std::move(operation)),
        sqlite_code_(sqlite_code),
        sqlite_message_(std::move(sqlite_message)) {}

  const std::string& operation() const { return operation_; }
  // The primary SQLite result code (SQLITE_BUSY, SQLITE_FULL, ...); 0 for errors found by our own checks.
  int sqlite_code() const { return sqlite_code_; }
  const std::string& sqlite_message() const { return sqlite_message_; }

 private:
  // What the user should do, for the faults a long run meets in practice: the sample being written is not stored,
  // every sample committed before is, and `rbench run` continues where it stopped.
  static std::string remedy(int sqlite_code) {
    switch (sqlite_code & 0xff) {  // the primary code of an extended one
      case 5:   // SQLITE_BUSY
      case 6:   // SQLITE_LOCKED
        return ". Another process (another rbench?) held the database's write lock past the busy timeout; "
               "wait for it to finish, or give this run its own --db, then run the same command again "
               "(samples committed before are kept)";
      case 13:  // SQLITE_FULL
      case 10:  // SQLITE_IOERR: a failed write, e.g. a full disk or a file-size limit
        return ". The file could not grow (full disk, quota or file-size limit) or a write failed; free space, "
               "then run the same command again: every sample committed before is kept and the run continues";
      default:
        return "";
    }
  }

  std::string operation_;
  int sqlite_code_;
  std::string sqlite_message_;
};

}  // namespace rbench::results
