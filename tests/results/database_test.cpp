// Database writes and queries: idempotent inserts on the natural keys, the atomic sample+grades insert,
// retrying failed samples, regrading, resume queries, and the validation of what goes in.
#include <gtest/gtest.h>

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

TEST(ResultsDatabase, OpensFileWithWalForeignKeysAndLatestSchema) {
  const std::string path = fresh_database_path("opens_file");
  Database db(path);
  EXPECT_EQ(db.schema_version(), 4);
  EXPECT_EQ(db.integrity_check(), "ok");
  RawConnection raw(path);
  EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "wal");
  // foreign_keys is per connection: check it through a write the library makes.
  SampleRecord orphan = make_sample(/*run_id=*/999, "smoke", "p1", 0);
  try {
    db.insert_sample(orphan);
    FAIL() << "a sample of a missing run was stored";
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("FOREIGN KEY"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("problem='p1'"), std::string::npos) << error.what();
  }
}

TEST(ResultsDatabase, UpsertModelReturnsTheStoredIdForSamePathAndWeights) {
  Database db(":memory:");
  const int64_t first = db.upsert_model(make_model("/models/a"));
  EXPECT_EQ(db.upsert_model(make_model("/models/a")), first);
  ModelRecord retrained = make_model("/models/a");
  retrained.weights_sha256 = std::string(64, 'x');
  EXPECT_NE(db.upsert_model(retrained), first);
  EXPECT_NE(db.upsert_model(make_model("/models/b")), first);
  ASSERT_EQ(db.list_models().size(), 3u);
  const auto stored = db.get_model(first);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->architecture, "sambay");
  EXPECT_EQ(stored->n_params, 1234567);
  EXPECT_FALSE(db.get_model(12345).has_value());
}

TEST(ResultsDatabase, FindRunMatchesEqualSamplingWrittenDifferently) {
  Database db(":memory:");
  const int64_t model = db.upsert_model(make_model());
  const int64_t run = db.insert_run(make_run(model));
  const auto found = db.find_run(model, "default", R"({"max_tokens":32768,"top_p":0.95,"temperature":0.6})", 7);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, run);
  EXPECT_EQ(found->status, "running");
  EXPECT_FALSE(found->started_at.empty());
  EXPECT_TRUE(found->finished_at.empty());
  EXPECT_FALSE(db.find_run(model, "default", R"({"temperature":0.7,"top_p":0.95,"max_tokens":32768})", 7));
  EXPECT_FALSE(db.find_run(model, "default", make_run(model).sampling_json, 8));
  // The latest run with the identity wins.
  const int64_t second = db.insert_run(make_run(model));
  EXPECT_EQ(db.find_run(model, "default", make_run(model).sampling_json, 7)->id, second);
  EXPECT_EQ(db.list_runs().size(), 2u);
}

TEST(ResultsDatabase, RunStatusStampsFinishAndRejectsUnknownValues) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  db.set_run_status(run, "interrupted");
  EXPECT_EQ(db.get_run(run)->status, "interrupted");
  EXPECT_FALSE(db.get_run(run)->finished_at.empty());
  db.set_run_status(run, "running");
  EXPECT_TRUE(db.get_run(run)->finished_at.empty());
  EXPECT_THROW(db.set_run_status(run, "done"), DatabaseError);
  EXPECT_THROW(db.set_run_status(run + 1, "complete"), DatabaseError);
  RunRecord bad = make_run(1);
  bad.sampling_json = "{temperature: 0.6";
  EXPECT_THROW(db.insert_run(bad), DatabaseError);
}

TEST(ResultsDatabase, InsertSampleIsIdempotentOnRunTaskProblemIndex) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  const int64_t id = db.insert_sample(make_sample(run, "math500", "p1", 0));
  SampleRecord again = make_sample(run, "math500", "p1", 0);
  again.completion = "a different completion must not overwrite the stored one";
  EXPECT_EQ(db.insert_sample(again), id);
  EXPECT_NE(db.insert_sample(make_sample(run, "math500", "p1", 1)), id);
  EXPECT_NE(db.insert_sample(make_sample(run, "aime24", "p1", 0)), id);
  const auto samples = db.samples_of(run, std::string("math500"));
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].completion, "1+1 = \\boxed{2}");
  EXPECT_EQ(samples[0].prompt, R"([{"role":"user","content":"What is 1+1?"}])");
  EXPECT_DOUBLE_EQ(samples[0].decode_seconds, 0.08);
  EXPECT_FALSE(samples[0].created_at.empty());
  EXPECT_EQ(db.samples_of(run).size(), 3u);
  EXPECT_EQ(db.tasks_of(run), (std::vector<std::string>{"aime24", "math500"}));
}

TEST(ResultsDatabase, SampleWithGradesStoresBothAndIsIdempotent) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  const std::vector<GradeRecord> grades{make_grade("2", true, "boxed"), make_grade("2", true, "last_number")};
  const int64_t id = db.insert_sample_with_grades(make_sample(run, "smoke", "p1", 0), grades);
  EXPECT_EQ(db.insert_sample_with_grades(make_sample(run, "smoke", "p1", 0), grades), id);
  const auto stored = db.grades_of_sample(id);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].rule, "boxed");
  EXPECT_EQ(stored[0].sample_id, id);
  EXPECT_TRUE(stored[0].correct);
  EXPECT_EQ(db.grades_of(run).size(), 2u);
  EXPECT_EQ(db.grades_of(run, std::string("other")).size(), 0u);
  EXPECT_EQ(db.grading_keys(run),
            (std::vector<std::pair<std::string, std::string>>{{"math", "boxed"}, {"math", "last_number"}}));
}

TEST(ResultsDatabase, SampleWithGradesIsAtomicWhenAGradeFails) {
  const std::string path = fresh_database_path("atomic_sample_grades");
  Database db(path);
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  db.insert_sample_with_grades(make_sample(run, "smoke", "p0", 0), {make_grade("2", true)});
  {
    RawConnection raw(path);
    ASSERT_EQ(raw.execute("CREATE TRIGGER poison BEFORE INSERT ON grades WHEN NEW.rule = 'poison' "
                          "BEGIN SELECT RAISE(ABORT, 'poisoned grade'); END"),
              SQLITE_OK);
  }
  try {
    db.insert_sample_with_grades(make_sample(run, "smoke", "p1", 0), {make_grade("2", true), make_grade("2", true, "poison")});
    FAIL() << "the poisoned grade was stored";
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("poisoned grade"), std::string::npos) << error.what();
  }
  EXPECT_EQ(db.samples_of(run).size(), 1u) << "the sample of the failed insert must not stay";
  EXPECT_EQ(db.grades_of(run).size(), 1u);
  EXPECT_EQ(db.done_samples(run), (std::set<SampleKey>{{"smoke", "p0", 0}}));
  // The connection is usable after the rollback.
  db.insert_sample_with_grades(make_sample(run, "smoke", "p1", 0), {make_grade("2", true)});
  EXPECT_EQ(db.samples_of(run).size(), 2u);
}

TEST(ResultsDatabase, FailedSampleIsReplacedByARetryAndNotCountedDone) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  SampleRecord failed = make_sample(run, "smoke", "p1", 0);
  failed.finish_reason = "error";
  failed.error = "CUDA out of memory";
  failed.completion = "";
  const int64_t id = db.insert_sample_with_grades(failed, {make_grade("", false)});
  db.insert_sample(make_sample(run, "smoke", "p2", 0));
  EXPECT_EQ(db.done_samples(run), (std::set<SampleKey>{{"smoke", "p2", 0}}));
  const int64_t retried = db.insert_sample_with_grades(make_sample(run, "smoke", "p1", 0), {make_grade("2", true)});
  EXPECT_EQ(retried, id);
  const auto samples = db.samples_of(run);
  EXPECT_EQ(samples[0].finish_reason, "stop");
  EXPECT_EQ(samples[0].error, "");
  const auto grades = db.grades_of_sample(id);
  ASSERT_EQ(grades.size(), 1u);
  EXPECT_TRUE(grades[0].correct);
  EXPECT_EQ(db.done_samples(run).size(), 2u);
}

TEST(ResultsDatabase, RegradeReplacesVerdictOnlyForANewGraderVersion) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  const int64_t sample = db.insert_sample(make_sample(run, "smoke", "p1", 0));
  GradeRecord grade = make_grade("2", false);
  grade.sample_id = sample;
  const int64_t id = db.insert_grade(grade);
  grade.correct = true;
  EXPECT_EQ(db.insert_grade(grade), id);
  EXPECT_FALSE(db.grades_of_sample(sample)[0].correct) << "same grader version: the stored verdict stays";
  grade.grader_version = "2";
  EXPECT_EQ(db.insert_grade(grade), id);
  EXPECT_TRUE(db.grades_of_sample(sample)[0].correct);
  EXPECT_EQ(db.grades_of_sample(sample)[0].grader_version, "2");
  EXPECT_EQ(db.grades_of_sample(sample).size(), 1u);
}

TEST(ResultsDatabase, RejectsInvalidSampleFields) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  SampleRecord sample = make_sample(run, "smoke", "p1", 0);
  sample.finish_reason = "eos";
  try {
    db.insert_sample(sample);
    FAIL();
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("finish_reason is 'eos'"), std::string::npos) << error.what();
  }
  sample = make_sample(run, "smoke", "p1", -1);
  EXPECT_THROW(db.insert_sample(sample), DatabaseError);  // CHECK (sample_index >= 0)
  EXPECT_TRUE(db.samples_of(run).empty());
}

TEST(ResultsDatabase, OneRunHoldsOneDatasetVersionPerTask) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  db.insert_sample(make_sample(run, "math500", "p1", 0));
  SampleRecord changed = make_sample(run, "math500", "p2", 0);
  changed.dataset_sha256 = std::string(64, 'e');
  try {
    db.insert_sample(changed);
    FAIL() << "a sample from a changed dataset joined the run";
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("start a new run"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(std::string(64, 'e')), std::string::npos) << error.what();
  }
  SampleRecord new_version = make_sample(run, "math500", "p2", 0);
  new_version.task_version = "v2";
  EXPECT_THROW(db.insert_sample(new_version), DatabaseError);
  changed.task = "aime24";  // another task has its own dataset
  EXPECT_NO_THROW(db.insert_sample(changed));
  EXPECT_EQ(db.samples_of(run).size(), 2u);
}

TEST(ResultsDatabase, RunOverviewsCountSamplesGradesAndErrors) {
  Database db(":memory:");
  const int64_t model = db.upsert_model(make_model());
  const int64_t run = db.insert_run(make_run(model));
  const int64_t empty_run = db.insert_run(make_run(model));
  db.insert_sample_with_grades(make_sample(run, "math500", "p1", 0), {make_grade("2", true)});
  db.insert_sample(make_sample(run, "math500", "p1", 1));
  SampleRecord failed = make_sample(run, "aime24", "p1", 0);
  failed.finish_reason = "error";
  db.insert_sample(failed);
  const auto overviews = db.run_overviews();
  ASSERT_EQ(overviews.size(), 2u);
  EXPECT_EQ(overviews[0].run.id, run);
  EXPECT_EQ(overviews[0].model_path, "/models/tiny");
  EXPECT_EQ(overviews[0].n_samples, 3);
  EXPECT_EQ(overviews[0].n_graded_samples, 1);
  EXPECT_EQ(overviews[0].n_errors, 1);
  EXPECT_EQ(overviews[0].tasks, (std::vector<std::string>{"aime24", "math500"}));
  EXPECT_EQ(overviews[1].run.id, empty_run);
  EXPECT_EQ(overviews[1].n_samples, 0);
  EXPECT_TRUE(overviews[1].tasks.empty());
}

TEST(ResultsDatabase, ThroughputRoundTrips) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  db.insert_throughput({0, run, "prefill", 4096, 0.5, 8, "cpu"});
  db.insert_throughput({0, run, "decode", 1000, 2.0, 8, "cpu"});
  const auto records = db.throughput_of(run);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].phase, "prefill");
  EXPECT_EQ(records[0].tokens, 4096);
  EXPECT_DOUBLE_EQ(records[1].seconds, 2.0);
  EXPECT_EQ(records[1].batch, 8);
  EXPECT_THROW(db.insert_throughput({0, run, "warmup", 1, 1.0, 1, "cpu"}), DatabaseError);
  EXPECT_TRUE(db.throughput_of(run + 1).empty());
}

}  // namespace
}  // namespace rbench::results
