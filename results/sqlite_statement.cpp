// Implementation of the SQLite wrappers: each call checks its result code and turns a failure into a
// DatabaseError that names the operation and carries SQLite's message.
#include "results/sqlite_statement.h"

#include <string>

namespace rbench::results {

void check_sqlite(sqlite3* db, int code, const std::string& operation) {
  if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return;
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw DatabaseError(operation, code & 0xff, message != nullptr ? message : sqlite3_errstr(code));
}

void execute_sql(sqlite3* db, std::string_view sql, const std::string& operation) {
  char* error = nullptr;
  const std::string text(sql);
  const int code = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error);
  if (code != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(code);
    sqlite3_free(error);
    throw DatabaseError(operation, code & 0xff, message);
  }
}

Statement::Statement(sqlite3* db, std::string_view sql, std::string operation)
    : db_(db), operation_(std::move(operation)) {
  check_sqlite(db_, sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr),
               operation_ + " (prepare)");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t value) {
  check_sqlite(db_, sqlite3_bind_int64(stmt_, index, value), operation_ + " (bind)");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check_sqlite(db_, sqlite3_bind_double(stmt_, index, value), operation_ + " (bind)");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  check_sqlite(db_, sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
               operation_ + " (bind)");
  return *this;
}

Statement& Statement::bind_null(int index) {
  check_sqlite(db_, sqlite3_bind_null(stmt_, index), operation_ + " (bind)");
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

bool Statement::step() {
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  // sqlite3_reset returns the same error; reset first so the statement is reusable after the throw.
  sqlite3_reset(stmt_);
  check_sqlite(db_, code, operation_);
  return false;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Transaction::Transaction(sqlite3* db, std::string operation) : db_(db), operation_(std::move(operation)) {
  execute_sql(db_, "BEGIN IMMEDIATE", operation_ + " (begin transaction)");
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  execute_sql(db_, "COMMIT", operation_ + " (commit)");
  open_ = false;
}

}  // namespace rbench::results
