// The results database under faults, through the real `rbench run`: a full disk (the process may not grow files
// past a size: RLIMIT_FSIZE with SIGXFSZ ignored, so writes fail as on a full file system), a database locked by
// another writer for longer than the busy timeout, and two rbench processes writing one database at once. Each must
// end with a clear error or a correct result, never with a damaged file or lost samples; a second attempt after
// the fault finishes the run with exactly the samples of an uninterrupted one. The library-level full disk
// (OpenOptions::max_page_count under the run loop) is tested too, as it hits the limit at any page.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "evaluator/progress.h"
#include "evaluator/runner.h"
#include "fakes.h"
#include "stored_run.h"
#include "tiny_run.h"

namespace rbench::hardening {
namespace {

const RunDigest& reference_digest() {
  static const RunDigest digest = [] {
    auto dir = fresh_dir("hardening-faults-reference");
    const std::string db = (dir / "reference.sqlite").string();
    if (run_command(run_args(db)).exit_code != 0) throw std::runtime_error("reference run failed");
    return digest_only_run(db);
  }();
  return digest;
}

std::string in_shell_with_file_size_limit(const std::vector<std::string>& argv, int64_t max_bytes) {
  std::string line = "trap '' XFSZ; ulimit -f " + std::to_string(max_bytes / 1024) + "; exec";
  for (const auto& a : argv) line += " " + e2e::quote(a);
  return line;
}

TEST(HardeningDatabase, FullDiskIsAClearErrorAndKeepsEveryCommittedSample) {
  const auto dir = fresh_dir("hardening-full-disk");
  const int64_t planned = kProblems * kSamples;
  // Find a file-size limit at which the run stores some samples and then runs out of room.
  bool hit = false;
  std::string db;
  Finished failed;
  for (int64_t limit_kib : {48, 64, 80, 96, 128, 160, 192, 256, 384, 512}) {
    db = (dir / ("full-" + std::to_string(limit_kib) + ".sqlite")).string();
    failed = run_capturing({"bash", "-c", in_shell_with_file_size_limit(run_args(db), limit_kib * 1024)}, dir);
    const auto state = check_invariants(db);
    if (failed.exit_code != 0 && state.samples > 0 && state.samples < planned) {
      hit = true;
      break;
    }
  }
  ASSERT_TRUE(hit) << "no file-size limit stopped the run part-way; last stderr: " << failed.err;
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find("results database"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("run the same command again"), std::string::npos)
      << "the message must say that committed samples are kept and how to continue: " << failed.err;
  const auto after_fault = check_invariants(db);
  EXPECT_EQ(after_fault.integrity, "ok");
  EXPECT_EQ(after_fault.samples, after_fault.distinct_samples);
  EXPECT_EQ(after_fault.graded_without_both_grades, 0);

  auto resumed = run_command(run_args(db));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const RunDigest got = digest_only_run(db);
  EXPECT_EQ(got.rows, planned);
  EXPECT_EQ(got.samples, reference_digest().samples);
  EXPECT_EQ(got.metrics, reference_digest().metrics);
}

TEST(HardeningDatabase, PageLimitUnderTheRunLoopFailsCleanlyAndResumes) {
  using namespace evaluator;
  const auto dir = fresh_dir("hardening-page-limit");
  const std::string path = (dir / "db.sqlite").string();
  tasks::Task task{"fake", "1", "math", "/fake", "sha", {}};
  for (int i = 0; i < 50; ++i)
    task.problems.push_back({"p" + std::to_string(i), "q gold=" + std::to_string(i), std::to_string(i), {}});
  RunConfig config;
  config.suite = "fake";
  config.tasks = {{"fake", 4}};
  config.seed = 3;
  const int64_t planned = 50 * 4;
  testing::ExactGrading grading;
  Progress progress(false);
  RunContext context{"commit", "0.1", nullptr};
  { results::Database create(path); }
  const int64_t empty_pages = query_int(path, "PRAGMA page_count");

  results::OpenOptions options;
  options.max_page_count = empty_pages + 12;  // room for some samples, not for 200
  std::string error;
  try {
    results::Database db(path, options);
    testing::FakeGenerator generator;
    (void)run_evaluation(config, {task}, generator, grading, db, progress, context);
  } catch (const results::DatabaseError& e) {
    error = e.what();
    EXPECT_EQ(e.sqlite_code(), SQLITE_FULL) << error;
  }
  ASSERT_FALSE(error.empty()) << "the run fitted in " << empty_pages + 12 << " pages; lower the limit";
  EXPECT_NE(error.find("full"), std::string::npos) << error;
  EXPECT_NE(error.find("run the same command again"), std::string::npos) << error;
  const auto after_fault = check_invariants(path);
  EXPECT_EQ(after_fault.integrity, "ok");
  EXPECT_GT(after_fault.samples, 0);
  EXPECT_LT(after_fault.samples, planned);
  EXPECT_EQ(after_fault.samples, after_fault.distinct_samples);
  EXPECT_EQ(after_fault.graded_without_both_grades, 0);

  results::Database db(path);
  testing::FakeGenerator generator;
  auto out = run_evaluation(config, {task}, generator, grading, db, progress, context);
  EXPECT_TRUE(out.resumed);
  EXPECT_EQ(out.n_already_done, after_fault.samples);
  EXPECT_EQ(out.n_generated, planned - after_fault.samples);
  const auto final_state = check_invariants(path);
  EXPECT_EQ(final_state.samples, planned);
  EXPECT_EQ(final_state.distinct_samples, planned);
  EXPECT_EQ(final_state.runs, 1);
}

TEST(HardeningDatabase, LockedDatabaseIsAClearErrorThenTheSameCommandFinishes) {
  const auto dir = fresh_dir("hardening-locked");
  const std::string db = (dir / "locked.sqlite").string();
  // Another process's long write transaction: created by this test's own connection, held past the busy timeout.
  ASSERT_EQ(run_command(run_args(db)).exit_code, 0);  // creates the file and a complete run (to start from)
  const std::string db2 = (dir / "locked2.sqlite").string();
  std::filesystem::copy_file(db, db2);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db2.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE; DELETE FROM throughput;", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  auto args = run_args(db2);
  args[std::find(args.begin(), args.end(), "--limit") - args.begin() + 1] = std::to_string(kProblems + 1);
  const auto start = std::chrono::steady_clock::now();
  const Finished locked = run_capturing(args, dir);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);
  EXPECT_NE(locked.exit_code, 0);
  EXPECT_NE(locked.err.find("locked"), std::string::npos) << locked.err;
  EXPECT_NE(locked.err.find("another"), std::string::npos) << "the message must say who holds it: " << locked.err;
  EXPECT_GE(waited, 4.0) << "rbench must wait out the busy timeout before giving up";
  EXPECT_EQ(check_invariants(db2).integrity, "ok");
  EXPECT_EQ(check_invariants(db2).samples, kProblems * kSamples) << "the stored run must be untouched";

  const Finished again = run_capturing(args, dir);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(check_invariants(db2).samples, (kProblems + 1) * kSamples + kProblems * kSamples);
}

// Starts `rbench run` in the background with stdout/stderr in files named after `name`; returns its pid.
pid_t start_writer(const std::vector<std::string>& args, const std::filesystem::path& dir, const std::string& name) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec "};  // exec: the pid is rbench's own
  for (const auto& a : args) argv[2] += e2e::quote(a) + " ";
  argv[2] += ">" + e2e::quote((dir / (name + ".out")).string()) + " 2>" + e2e::quote((dir / (name + ".err")).string());
  return spawn_quiet(argv);
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_one_complete_reference_run(const std::string& db) {
  const auto state = check_invariants(db);
  EXPECT_EQ(state.integrity, "ok");
  EXPECT_EQ(state.runs, 1) << "two processes with one run identity must share one run";
  EXPECT_EQ(state.samples, state.distinct_samples);
  const RunDigest got = digest_only_run(db);
  EXPECT_EQ(got.status, "complete");
  EXPECT_EQ(got.samples, reference_digest().samples);
  EXPECT_EQ(got.metrics, reference_digest().metrics);
}

TEST(HardeningDatabase, SecondRbenchOnABusyDatabaseWaitsSaysWhyThenFinishes) {
  const auto dir = fresh_dir("hardening-second-writer");
  const std::string db = (dir / "shared.sqlite").string();
  // The test holds the run lock the way a running rbench does (its pid written in the lock file), so the second
  // process certainly finds the database busy: a real first writer on a tiny run can finish before it starts.
  const int lock = ::open((db + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(lock, 0);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);
  const std::string holder = "424242";
  ASSERT_EQ(::pwrite(lock, holder.data(), holder.size(), 0), static_cast<ssize_t>(holder.size()));

  const pid_t second = start_writer(run_args(db), dir, "second");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string said;
  while ((said = read_text(dir / "second.err")).find("waiting for it to finish") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE(said.find("another rbench run (pid " + holder + ")"), std::string::npos) << said;
  EXPECT_NE(said.find("waiting for it to finish"), std::string::npos) << said;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(check_invariants(db).samples, 0) << "the waiting process wrote while another held the database";

  ::close(lock);  // the "first run" ends: the waiting one goes on
  EXPECT_EQ(wait_exit_code(second), 0) << read_text(dir / "second.err");
  expect_one_complete_reference_run(db);
}

TEST(HardeningDatabase, TwoRbenchProcessesStartedTogetherShareOneRun) {
  const auto dir = fresh_dir("hardening-two-writers");
  const std::string db = (dir / "shared.sqlite").string();
  const pid_t a = start_writer(run_args(db), dir, "a");
  const pid_t b = start_writer(run_args(db), dir, "b");
  EXPECT_EQ(wait_exit_code(a), 0) << read_text(dir / "a.err");
  EXPECT_EQ(wait_exit_code(b), 0) << read_text(dir / "b.err");
  expect_one_complete_reference_run(db);
}

}  // namespace
}  // namespace rbench::hardening
