// The `rbench run` command line the hardening tests share: a tiny random model (made once per test process with
// `rbench make-tiny`), the smoke suite, greedy decoding and a fixed seed, so that every run of it produces the same
// samples and any two databases can be compared. Also a spawn that keeps stderr, for the error-message tests.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "process.h"  // tests/e2e: rbench_bin, fresh_dir, run_command, spawn_quiet

namespace rbench::hardening {

using e2e::rbench_bin;
using e2e::run_command;
using e2e::spawn_quiet;

// A fresh folder of this test process: ctest runs every test as its own process, several at once, so names must
// not collide (e2e::fresh_dir empties the folder it returns).
inline std::filesystem::path fresh_dir(const std::string& name) {
  return e2e::fresh_dir(name + "-" + std::to_string(::getpid()));
}

constexpr int kProblems = 4;
constexpr int kSamples = 3;  // 12 planned samples

inline const std::string& tiny_model() {
  static const std::string path = [] {
    // One intra-op thread per rbench: the tests run several rbench processes at once on few cores, and the tiny
    // model gains nothing from more.
    ::setenv("OMP_NUM_THREADS", "1", 1);
    ::setenv("MKL_NUM_THREADS", "1", 1);
    auto dir = fresh_dir("hardening-tiny-model");
    std::string model = (dir / "tiny").string();
    if (run_command({rbench_bin(), "make-tiny", "--out", model}).exit_code != 0)
      throw std::runtime_error("rbench make-tiny failed");
    return model;
  }();
  return path;
}

inline std::vector<std::string> run_args(const std::string& db, const std::string& model = tiny_model()) {
  return {rbench_bin(), "run", "--model", model, "--suite", "smoke", "--limit", std::to_string(kProblems),
          "--samples", std::to_string(kSamples), "--max-tokens", "16", "--max-batch", "1", "--graders", "1",
          "--quiet", "--seed", "7", "--temperature", "0", "--db", db};
}

struct Finished {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv to the end with stdout and stderr captured in files under `dir` (both matter for error messages).
inline Finished run_capturing(const std::vector<std::string>& argv, const std::filesystem::path& dir) {
  const auto out_path = dir / "stdout.txt", err_path = dir / "stderr.txt";
  std::string line;
  for (const auto& a : argv) line += e2e::quote(a) + " ";
  line += ">" + e2e::quote(out_path.string()) + " 2>" + e2e::quote(err_path.string());
  const int status = std::system(line.c_str());
  Finished f;
  f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  f.out = slurp(out_path);
  f.err = slurp(err_path);
  return f;
}

}  // namespace rbench::hardening
