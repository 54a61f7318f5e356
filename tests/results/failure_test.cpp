// Failure modes of the store: a full disk (simulated with PRAGMA max_page_count) and a file locked by
// another writer. Either must surface as a DatabaseError with SQLite's words, and what was committed before
// must stay intact.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "results/database.h"
#include "test_database.h"

namespace rbench::results {
namespace {

using testing::fresh_database_path;
using testing::make_grade;
using testing::make_model;
using testing::make_run;
using testing::make_sample;
using testing::RawConnection;

TEST(ResultsFailure, FullDiskThrowsAndKeepsCommittedRows) {
  const std::string path = fresh_database_path("full_disk");
  int64_t run = 0;
  {
    Database db(path);
    run = db.insert_run(make_run(db.upsert_model(make_model())));
  }
  int64_t schema_pages = 0;
  {
    RawConnection raw(path);
    schema_pages = raw.query_int("PRAGMA page_count");
  }
  OpenOptions options;
  options.max_page_count = schema_pages + 40;
  Database db(path, options);
  int64_t committed = 0;
  bool full = false;
  for (int64_t i = 0; i < 1000 && !full; ++i) {
    const std::string problem = std::to_string(i).insert(0, 1, 'p');  // not "p" + ...: GCC 12 -Wrestrict false alarm
    SampleRecord sample = make_sample(run, "smoke", problem, 0);
    sample.completion.assign(6000, static_cast<char>('a' + i % 26));
    try {
      db.insert_sample_with_grades(sample, {make_grade("2", true)});
      ++committed;
    } catch (const DatabaseError& error) {
      full = true;
      EXPECT_EQ(error.sqlite_code(), SQLITE_FULL) << error.what();
      EXPECT_NE(std::string(error.what()).find("database or disk is full"), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("problem='" + problem + "'"), std::string::npos)
          << error.what();
    }
  }
  ASSERT_TRUE(full) << "the page cap never filled";
  ASSERT_GT(committed, 3);
  EXPECT_EQ(static_cast<int64_t>(db.samples_of(run).size()), committed);
  EXPECT_EQ(static_cast<int64_t>(db.grades_of(run).size()), committed) << "no half-stored sample+grades";
  EXPECT_EQ(db.integrity_check(), "ok");
  RawConnection raw(path);
  EXPECT_EQ(raw.query_text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.query_int("SELECT count(*) FROM samples"), committed);
}

TEST(ResultsFailure, LockedDatabaseFailsClearlyWithoutBusyTimeout) {
  const std::string path = fresh_database_path("locked_no_wait");
  OpenOptions no_wait;
  no_wait.busy_timeout = std::chrono::milliseconds(0);
  Database db(path, no_wait);
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  db.insert_sample(make_sample(run, "smoke", "p0", 0));
  RawConnection other(path);
  ASSERT_EQ(other.execute("BEGIN IMMEDIATE; INSERT INTO models (path, architecture, config_sha256, weights_sha256, "
                          "n_params) VALUES ('/other', 'phi3', 'c', 'w', 1)"),
            SQLITE_OK);
  try {
    db.insert_sample(make_sample(run, "smoke", "p1", 0));
    FAIL() << "a write went through while another connection held the write lock";
  } catch (const DatabaseError& error) {
    EXPECT_EQ(error.sqlite_code(), SQLITE_BUSY) << error.what();
    EXPECT_NE(std::string(error.what()).find("database is locked"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("insert sample"), std::string::npos) << error.what();
  }
  // WAL: readers are not blocked by the open write transaction.
  EXPECT_EQ(db.samples_of(run).size(), 1u);
  ASSERT_EQ(other.execute("COMMIT"), SQLITE_OK);
  db.insert_sample(make_sample(run, "smoke", "p1", 0));
  EXPECT_EQ(db.samples_of(run).size(), 2u);
  EXPECT_EQ(db.list_models().size(), 2u);
}

TEST(ResultsFailure, LockedDatabaseIsWaitedForWithinTheBusyTimeout) {
  const std::string path = fresh_database_path("locked_wait");
  OpenOptions patient;
  patient.busy_timeout = std::chrono::milliseconds(10000);
  Database db(path, patient);
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  RawConnection other(path);
  ASSERT_EQ(other.execute("BEGIN IMMEDIATE; INSERT INTO models (path, architecture, config_sha256, weights_sha256, "
                          "n_params) VALUES ('/other', 'phi3', 'c', 'w', 1)"),
            SQLITE_OK);
  const auto hold = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  std::thread releaser([&] {
    std::this_thread::sleep_for(hold);
    other.execute("COMMIT");
  });
  EXPECT_NO_THROW(db.insert_sample(make_sample(run, "smoke", "p1", 0)));
  const auto waited = std::chrono::steady_clock::now() - start;
  releaser.join();
  EXPECT_GE(waited, hold - std::chrono::milliseconds(50)) << "the write should have waited for the lock";
  EXPECT_EQ(db.samples_of(run).size(), 1u);
  EXPECT_EQ(db.list_models().size(), 2u);
}

// Switching a new file to WAL needs it exclusively while the switching connection reads it, and SQLite answers BUSY
// there at once instead of calling the busy handler; opening must still wait for another connection's write lock
// within the busy timeout, and without one fail naming the step.
TEST(ResultsFailure, SwitchingToWalWaitsForAWriterWithinTheBusyTimeout) {
  const std::string path = fresh_database_path("wal_switch_writer");
  RawConnection writer(path);
  ASSERT_EQ(writer.execute("BEGIN IMMEDIATE"), SQLITE_OK);
  OpenOptions impatient;
  impatient.busy_timeout = std::chrono::milliseconds(0);
  try {
    Database refused(path, impatient);
    ADD_FAILURE() << "the switch to WAL should have met the writer's lock";
  } catch (const DatabaseError& error) {
    EXPECT_EQ(error.sqlite_code() & 0xff, SQLITE_BUSY);
    EXPECT_NE(std::string(error.what()).find("(enable WAL)"), std::string::npos) << error.what();
  }
  const auto hold = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  std::thread releaser([&] {
    std::this_thread::sleep_for(hold);
    writer.execute("COMMIT");
  });
  OpenOptions patient;
  patient.busy_timeout = std::chrono::milliseconds(10000);
  std::optional<Database> db;
  EXPECT_NO_THROW(db.emplace(path, patient));
  const auto waited = std::chrono::steady_clock::now() - start;
  releaser.join();
  EXPECT_GE(waited, hold - std::chrono::milliseconds(50)) << "opening should have waited for the writer";
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ(RawConnection(path).query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(db->integrity_check(), "ok");
}

TEST(ResultsFailure, ConnectionsOpeningANewFileAtOnceMigrateItOnce) {
  const std::string path = fresh_database_path("concurrent_open");
  constexpr int kConnections = 8;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kConnections);
  std::vector<int64_t> model_ids(kConnections, -1);
  for (int i = 0; i < kConnections; ++i) {
    threads.emplace_back([&, i] {
      try {
        Database db(path);
        model_ids[i] = db.upsert_model(make_model());
      } catch (const std::exception& error) {
        errors[i] = error.what();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kConnections; ++i) {
    EXPECT_EQ(errors[i], "") << "connection " << i;
    EXPECT_EQ(model_ids[i], model_ids[0]) << "connection " << i;
  }
  Database db(path);
  EXPECT_EQ(db.list_models().size(), 1u);
  EXPECT_EQ(db.integrity_check(), "ok");
}

}  // namespace
}  // namespace rbench::results
