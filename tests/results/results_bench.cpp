// Benchmark (not a test): how fast the store takes per-sample commits and builds the tables, on a file
// database the size of a full evaluation.
// Usage: results_bench <database path> [n_problems=500] [n_samples=8] [fsync]  ("fsync": fsync_every_commit)
// Prints samples committed per second (one insert_sample_with_grades transaction each, fsync included) and
// the seconds metrics_for_run and throughput_for_run take over the stored run.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "results/metrics_table.h"
#include "results/throughput_summary.h"
#include "test_database.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rbench::results;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <database path> [n_problems=500] [n_samples=8] [fsync]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int64_t n_problems = argc > 2 ? std::stoll(argv[2]) : 500;
  const int64_t n_samples = argc > 3 ? std::stoll(argv[3]) : 8;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  OpenOptions options_open;
  options_open.fsync_every_commit = argc > 4 && std::string(argv[4]) == "fsync";
  Database db(path, options_open);
  const int64_t run = db.insert_run(testing::make_run(db.upsert_model(testing::make_model())));
  const std::string completion(4000, 'x');  // about 1000 tokens of text
  auto start = std::chrono::steady_clock::now();
  for (int64_t p = 0; p < n_problems; ++p) {
    for (int64_t s = 0; s < n_samples; ++s) {
      SampleRecord sample = testing::make_sample(run, "bench", std::to_string(p), s);
      sample.completion = completion;
      const bool correct = (p + s) % 3 == 0;
      db.insert_sample_with_grades(sample, {testing::make_grade(std::to_string(s % 4), correct),
                                            testing::make_grade(std::to_string(s % 4), correct, "last_number")});
    }
  }
  const double insert_seconds = seconds_since(start);
  const int64_t total = n_problems * n_samples;
  std::printf("inserted %lld samples (+2 grades each) in %.2f s: %.0f samples/s\n", static_cast<long long>(total),
              insert_seconds, static_cast<double>(total) / insert_seconds);
  MetricsOptions options;
  options.rule = "boxed";
  options.pass_ks = {1, n_samples};
  start = std::chrono::steady_clock::now();
  const MetricsTable table = metrics_for_run(db, run, options);
  std::printf("metrics_for_run: %.3f s (%zu metric rows)\n", seconds_since(start), table.tasks.at(0).metrics.size());
  start = std::chrono::steady_clock::now();
  const ThroughputSummary summary = throughput_for_run(db, run);
  std::printf("throughput_for_run: %.3f s (%lld samples)\n", seconds_since(start),
              static_cast<long long>(summary.n_samples));
  std::printf("file size: %.1f MiB\n",
              static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0));
  return 0;
}
