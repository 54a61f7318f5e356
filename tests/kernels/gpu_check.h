// Helpers of the GPU kernel tests: a tolerance check that reports the worst difference of every case it sees (so
// one run on the GPU also tells how much room each tolerance leaves), a fresh seed per run, and a timer of one call
// averaged over many with the device synchronised around them.
#pragma once

#include <ATen/ATen.h>
#include <ATen/DeviceAccelerator.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>

namespace rbench::runtime::kernels::gpu_check {

struct Tolerance {
  double atol, rtol;
};

// The largest |got - want| / (atol + rtol |want|) over the cases checked; <= 1 means every case passed.
class WorstRatio {
 public:
  explicit WorstRatio(std::string name) : name_(std::move(name)) {}
  ~WorstRatio() {
    std::cout << "RESULT tolerance use " << name_ << ": worst |diff| / (atol + rtol |want|) = " << worst_ << " at "
              << where_ << "\n";
  }
  WorstRatio(const WorstRatio&) = delete;
  WorstRatio& operator=(const WorstRatio&) = delete;

  // EXPECTs got (any device) close to want; both are compared in float32 on the CPU.
  void expect_close(const at::Tensor& got, const at::Tensor& want, Tolerance t, const std::string& what) {
    ASSERT_EQ(got.sizes(), want.sizes()) << what;
    const at::Tensor g = got.cpu().to(at::kFloat), w = want.cpu().to(at::kFloat);
    ASSERT_FALSE(at::isnan(g).any().item<bool>()) << what << ": NaN in the result";
    if (g.numel() == 0) return;
    const at::Tensor diff = (g - w).abs();
    const double ratio = (diff / (t.atol + t.rtol * w.abs())).max().item<double>();
    if (ratio > worst_) {
      worst_ = ratio;
      where_ = what;
    }
    EXPECT_LE(ratio, 1.0) << what << ": max |diff| " << diff.max().item<double>() << " (atol " << t.atol << ", rtol "
                          << t.rtol << ")";
  }

 private:
  std::string name_;
  double worst_ = 0;
  std::string where_ = "(none)";
};

inline uint64_t fresh_seed() { return std::random_device{}(); }

// Seconds per call, averaged over n calls after one warm-up, the device synchronised before and after.
template <typename F>
double seconds_per_call(F&& call, int n) {
  call();
  at::accelerator::synchronizeDevice(0);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) call();
  at::accelerator::synchronizeDevice(0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / n;
}

}  // namespace rbench::runtime::kernels::gpu_check
