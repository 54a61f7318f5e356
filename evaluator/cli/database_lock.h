// One `rbench run` at a time per results database: an advisory lock (flock) on "<db>.lock", held for the whole
// run. A second rbench started on the same database says which process holds it and waits, then continues (and,
// for the same run, finds the work done). SQLite alone would let both start the same run twice: finding and
// inserting the run are separate statements. The kernel drops the lock when its holder dies, even by SIGKILL.
#pragma once

#include <filesystem>
#include <ostream>

namespace rbench::cli {

class DatabaseRunLock {
 public:
  // Blocks until the lock is ours; writes one line to `notice` when it has to wait. Throws std::runtime_error
  // naming the lock file when it cannot be opened or locked.
  DatabaseRunLock(const std::filesystem::path& database, std::ostream& notice);
  ~DatabaseRunLock();
  DatabaseRunLock(const DatabaseRunLock&) = delete;
  DatabaseRunLock& operator=(const DatabaseRunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace rbench::cli
