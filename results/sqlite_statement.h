// Thin RAII wrappers over the SQLite C API used inside results/: a prepared Statement with typed binds and
// column reads, and a write Transaction (BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless
// committed). Every failure becomes a DatabaseError naming the operation, so callers never check return codes.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "results/database_error.h"

namespace rbench::results {

// Throws DatabaseError(operation, code, sqlite3_errmsg) when `code` is not SQLITE_OK/ROW/DONE.
void check_sqlite(sqlite3* db, int code, const std::string& operation);

// Runs one or more SQL statements without results (schema scripts, pragmas, BEGIN/COMMIT).
void execute_sql(sqlite3* db, std::string_view sql, const std::string& operation);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, std::string operation);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based parameter index; returns *this so binds chain.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& value);

  // Advances to the next row: true when a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  void reset();

  int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // NULL reads as ""
  bool column_is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string operation_;
};

// A write transaction started with BEGIN IMMEDIATE, so a competing writer is detected (or waited for, under
// the busy timeout) before any work is done rather than at COMMIT.
class Transaction {
 public:
  Transaction(sqlite3* db, std::string operation);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  sqlite3* db_;
  std::string operation_;
  bool open_ = true;
};

}  // namespace rbench::results
