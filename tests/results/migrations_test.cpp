// Schema migrations: an empty file comes up at the latest version, a database written at each earlier
// version is brought forward with its rows intact, reopening changes nothing, and a database newer than the
// code is refused with a clear message.
#include <gtest/gtest.h>

#include "results/database.h"
#include "results/migrations.h"
#include "test_database.h"

namespace rbench::results {
namespace {

using testing::fresh_database_path;
using testing::RawConnection;

// Writes rows with the columns every schema version has (those of version 1), as an old harness would.
void write_version_one_rows(RawConnection& raw) {
  ASSERT_EQ(raw.execute("INSERT INTO models (id, path, architecture, config_sha256, weights_sha256, n_params) "
                        "VALUES (1, '/m', 'sambay', 'c', 'w', 10);"
                        "INSERT INTO runs (id, model_id, suite, sampling_json, seed, git_commit, harness_version, "
                        "device, started_at, status) VALUES (1, 1, 'default', '{\"temperature\":0.6}', 7, 'abc', "
                        "'0.0.1', 'cpu', '2026-11-01T00:00:00Z', 'interrupted');"
                        "INSERT INTO samples (id, run_id, task, task_version, dataset_sha256, problem_id, "
                        "sample_index, seed, prompt, completion, n_prompt_tokens, n_completion_tokens, "
                        "finish_reason, created_at) VALUES (1, 1, 'smoke', '1', 'd', 'p1', 0, 3, '[]', "
                        "'\\boxed{2}', 5, 6, 'stop', '2026-11-01T00:00:01Z');"
                        "INSERT INTO grades (sample_id, grader, grader_version, rule, extracted, correct, reason, "
                        "gold) VALUES (1, 'math', '1', 'boxed', '2', 1, 'equal', '2');"),
            SQLITE_OK)
      << sqlite3_errmsg(raw.handle());
}

TEST(ResultsMigrations, VersionsAreNumberedInOrder) {
  const auto all = migrations();
  ASSERT_GE(all.size(), 2u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
  EXPECT_EQ(latest_schema_version(), static_cast<int>(all.size()));
}

TEST(ResultsMigrations, EmptyFileGetsEveryTable) {
  const std::string path = fresh_database_path("migrate_empty");
  { Database db(path); }
  RawConnection raw(path);
  EXPECT_EQ(raw.query_int("PRAGMA user_version"), latest_schema_version());
  for (const char* table : {"models", "runs", "samples", "grades", "throughput"}) {
    EXPECT_EQ(raw.query_int(std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + table + "'"), 1)
        << table;
  }
  EXPECT_EQ(raw.query_int("SELECT count(*) FROM pragma_table_info('samples') WHERE name='decode_seconds'"), 1);
}

TEST(ResultsMigrations, EachEarlierVersionIsBroughtForwardWithItsRows) {
  for (int version = 1; version < latest_schema_version(); ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    const std::string path = fresh_database_path("migrate_from_v" + std::to_string(version));
    {
      RawConnection raw(path);
      for (const Migration& migration : migrations()) {
        if (migration.version > version) break;
        ASSERT_EQ(raw.execute(std::string(migration.sql)), SQLITE_OK) << sqlite3_errmsg(raw.handle());
      }
      ASSERT_EQ(raw.execute("PRAGMA user_version = " + std::to_string(version)), SQLITE_OK);
      write_version_one_rows(raw);
    }
    Database db(path);
    EXPECT_EQ(db.schema_version(), latest_schema_version());
    EXPECT_EQ(db.integrity_check(), "ok");
    const auto runs = db.list_runs();
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "interrupted");
    EXPECT_EQ(runs[0].sampling_json, "{\"temperature\":0.6}");
    const auto samples = db.samples_of(1);
    ASSERT_EQ(samples.size(), 1u);
    EXPECT_EQ(samples[0].completion, "\\boxed{2}");
    EXPECT_EQ(samples[0].created_at, "2026-11-01T00:00:01Z");
    EXPECT_DOUBLE_EQ(samples[0].prefill_seconds, 0.0);  // added by version 2 with a default
    ASSERT_EQ(db.grades_of(1).size(), 1u);
    EXPECT_TRUE(db.grades_of(1)[0].correct);
    EXPECT_FALSE(db.grades_of(1)[0].canonical.has_value()) << "version 3 adds canonical as NULL for old grades";
    // The migrated file takes new writes of the latest schema, idempotently.
    SampleRecord sample = testing::make_sample(1, "smoke", "p1", 0);
    EXPECT_EQ(db.insert_sample(sample), 1);
    ThroughputRecord decode{0, 1, "decode", 6, 0.5, 1, "cpu"};
    decode.decode_steps = 3;
    decode.max_in_flight = 2;
    decode.engines = 2;
    db.insert_throughput(decode);
    ASSERT_EQ(db.throughput_of(1).size(), 1u);
    EXPECT_EQ(db.throughput_of(1)[0].decode_steps, 3);
    EXPECT_EQ(db.throughput_of(1)[0].max_in_flight, 2);
    EXPECT_EQ(db.throughput_of(1)[0].graphs_captured, 0);
    EXPECT_EQ(db.throughput_of(1)[0].engines, 2);
  }
}

TEST(ResultsMigrations, ReopeningChangesNothing) {
  const std::string path = fresh_database_path("migrate_reopen");
  {
    Database db(path);
    db.upsert_model(testing::make_model());
  }
  Database again(path);
  EXPECT_EQ(again.schema_version(), latest_schema_version());
  EXPECT_EQ(again.list_models().size(), 1u);
}

TEST(ResultsMigrations, NewerDatabaseIsRefusedClearly) {
  const std::string path = fresh_database_path("migrate_newer");
  { Database db(path); }
  {
    RawConnection raw(path);
    ASSERT_EQ(raw.execute("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)), SQLITE_OK);
  }
  try {
    Database db(path);
    FAIL() << "a database from a newer rbench was opened";
  } catch (const DatabaseError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("newer than this rbench"), std::string::npos) << message;
  }
}

TEST(ResultsMigrations, FailedStepLeavesTheEarlierVersionIntact) {
  const std::string path = fresh_database_path("migrate_failed_step");
  {
    RawConnection raw(path);
    ASSERT_EQ(raw.execute(std::string(migrations()[0].sql)), SQLITE_OK);
    ASSERT_EQ(raw.execute("PRAGMA user_version = 1"), SQLITE_OK);
    write_version_one_rows(raw);
    // A table that version 2 is about to create makes its script fail half-way.
    ASSERT_EQ(raw.execute("CREATE TABLE throughput (x INTEGER)"), SQLITE_OK);
  }
  try {
    Database db(path);
    FAIL() << "the migration should have failed";
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("schema version 2"), std::string::npos) << error.what();
  }
  RawConnection raw(path);
  EXPECT_EQ(raw.query_int("PRAGMA user_version"), 1);
  EXPECT_EQ(raw.query_int("SELECT count(*) FROM pragma_table_info('samples') WHERE name='prefill_seconds'"), 0)
      << "the half-applied step must be rolled back";
  EXPECT_EQ(raw.query_int("SELECT count(*) FROM samples"), 1);
}

}  // namespace
}  // namespace rbench::results
