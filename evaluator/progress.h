// Progress of a run on the terminal: one line per task with samples done / total, tokens/s and ETA, redrawn in
// place. Quiet when stderr is not a TTY (logs and CI stay clean); the final summary is printed by the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rbench::evaluator {

class Progress {
 public:
  // enabled = false: every call is a no-op (e.g. not a TTY, or --quiet).
  explicit Progress(bool enabled);
  void add_task(const std::string& task, int64_t total, int64_t already_done);
  void sample_done(const std::string& task, int64_t completion_tokens);
  void finish();  // leaves the last drawing on screen

 private:
  struct Row {
    int64_t total = 0;
    int64_t done = 0;
    int64_t done_at_start = 0;
  };
  void draw();

  bool enabled_;
  std::vector<std::string> order_;
  std::map<std::string, Row> rows_;
  int64_t tokens_ = 0;
  int lines_drawn_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace rbench::evaluator
