// The schema's history as an ordered list of numbered SQL scripts. The database's version lives in
// `PRAGMA user_version`; opening applies every newer script, each in its own transaction, so a database
// written by any earlier harness is brought forward without losing rows. Scripts are never edited once
// released: a change to the schema is a new script at the end of the list.
#pragma once

#include <sqlite3.h>

#include <span>
#include <string_view>

namespace rbench::results {

struct Migration {
  int version;                  // the user_version after this script ran: 1, 2, ...
  std::string_view description;
  std::string_view sql;
};

// All migrations in order; migrations()[i].version == i + 1.
std::span<const Migration> migrations();

// The version the code writes and reads (the last migration's).
int latest_schema_version();

// Reads PRAGMA user_version.
int schema_version(sqlite3* db);

// Brings `db` to latest_schema_version(). Each step runs in a BEGIN IMMEDIATE transaction that re-reads the
// version, so two processes opening the same file at once migrate it once. Throws DatabaseError when the
// file is newer than the code (written by a later harness) or a script fails (nothing of that step stays).
void migrate_to_latest(sqlite3* db, std::string_view database_name);

}  // namespace rbench::results
