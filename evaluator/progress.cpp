// Terminal progress bars (see progress.h).
#include "evaluator/progress.h"

#include <cstdio>

namespace rbench::evaluator {

Progress::Progress(bool enabled) : enabled_(enabled) {}

void Progress::add_task(const std::string& task, int64_t total, int64_t already_done) {
  if (!rows_.count(task)) order_.push_back(task);
  rows_[task] = Row{total, already_done, already_done};
  if (enabled_) draw();
}

void Progress::sample_done(const std::string& task, int64_t completion_tokens) {
  rows_[task].done += 1;
  tokens_ += completion_tokens;
  auto now = std::chrono::steady_clock::now();
  if (enabled_ && now - last_draw_ > std::chrono::milliseconds(200)) draw();
}

void Progress::finish() {
  if (enabled_) draw();
}

void Progress::draw() {
  last_draw_ = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  double tokens_per_s = elapsed > 0 ? tokens_ / elapsed : 0;
  int64_t new_done = 0, remaining = 0;
  for (const auto& [name, r] : rows_) {
    new_done += r.done - r.done_at_start;
    remaining += r.total - r.done;
  }
  double eta = new_done > 0 ? elapsed / new_done * remaining : 0;
  if (lines_drawn_ > 0) std::fprintf(stderr, "\x1b[%dA", lines_drawn_);  // back to the first line
  for (const auto& name : order_) {
    const Row& r = rows_[name];
    constexpr int kWidth = 30;
    int filled = r.total > 0 ? static_cast<int>(kWidth * r.done / r.total) : kWidth;
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\x1b[2K%-14s [%s] %6lld/%-6lld\n", name.c_str(), bar.c_str(), static_cast<long long>(r.done),
                 static_cast<long long>(r.total));
  }
  std::fprintf(stderr, "\x1b[2K%.1f tokens/s  elapsed %.0fs  ETA %.0fs\n", tokens_per_s, elapsed, eta);
  lines_drawn_ = static_cast<int>(order_.size()) + 1;
  std::fflush(stderr);
}

}  // namespace rbench::evaluator
