// decode_attention_cuda against decode_attention_ref on the GPU (architecture habit 1), over a declared grid: the
// SambaY shape (40/20/64 differential) and the Phi3 shape (24/8/128 plain) at B 1, 3, 64 and C 512, 2085 (not a
// multiple of any chunk), 34816, bfloat16 and float32; float16 and odd head ratios (r = 1, and r = 6 and 10, which
// take several query tiles) on a smaller grid. Inputs are fresh random tensors each run; S > B slots taken in a
// random order; lengths random in [1, C] with 1 and C always present; every cache entry past a length and every
// unused slot holds NaN, so a read past the length or of the wrong slot shows. The reference runs on the GPU in
// batches of 8 sequences (its gathered copies of a 34816-token cache are large). For bfloat16 the kernel must also
// be no less accurate than the LibTorch bfloat16 path, measured against the float32 reference on the same values.
// Then: a RESULT line of kernel time and K/V bandwidth against the reference on the GPU (B 1 and 64, C 2048 and
// 32768, every length = C), and the op captured in a CUDA graph and replayed after new lengths, slots and queries
// were copied into the captured tensors.
#include <ATen/cuda/CUDAGraph.h>
#include <ATen/DeviceAccelerator.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "runtime/kernels/decode_attention/decode_attention.h"

namespace rbench::runtime::kernels {
namespace {

struct AttnShape {
  const char* name;
  int64_t n_heads, n_kv_heads, head_dim;
  bool differential;
};
const AttnShape kSambaY{"SambaY 40/20/64 differential", 40, 20, 64, true};
const AttnShape kPhi3{"Phi3 24/8/128 plain", 24, 8, 128, false};
const AttnShape kOddShapes[] = {{"differential 8/8/128 r=1", 8, 8, 128, true},
                                {"differential 24/4/64 r=6", 24, 4, 64, true},
                                {"plain 20/2/64 r=10", 20, 2, 64, false},
                                {"plain 8/8/64 r=1", 8, 8, 64, false}};

struct Tolerance {
  double atol, rtol;
};
// Kernel against the reference in the same dtype. float32: only the order of the sums differs (and the reference's
// attention backend may compute its products in split TF32, accurate to a few float32 ulps). bfloat16/float16:
// the reference rounds each sdpa output to the dtype (the differential core then subtracts the two rounded branches
// and normalises, which can magnify that rounding), the kernel keeps float32 until the output; both round the
// output the same way, so they may differ by an output ulp. On the GPU the reference's bf16 attention backend
// also rounds the softmax probabilities to bf16 before the product with V (measured on the H100: up to 4 output
// ulps, 0.0156 at |out| ~ 0.5, Phi3 shape), so plain bf16 gets the differential core's tolerance; the accuracy
// check against float32 below is what shows the kernel is the more accurate of the two.
// float16: the kernel splits even a short sequence over several blocks (a share of its actual length each), so its
// float32 sums run in an order further from the reference's; measured on the H100: up to 1.02 of {2e-4, 2e-3} at
// the ratio-10 shape over 100 keys, an output ulp or two.
const std::map<at::ScalarType, Tolerance> kPlainTolerance = {
    {at::kFloat, {2e-5, 2e-4}}, {at::kBFloat16, {1e-2, 2e-2}}, {at::kHalf, {4e-4, 4e-3}}};
// bfloat16: the reference subtracts two bf16-rounded branches, so where they nearly cancel its output is several
// ulps off (measured on the H100: 0.0195 at |out| 0.46, 1.01 of {1e-2, 2e-2}, SambaY B=64 C=512); the accuracy
// check against float32 below is the strict one.
const std::map<at::ScalarType, Tolerance> kDifferentialTolerance = {
    {at::kFloat, {1e-4, 1e-3}}, {at::kBFloat16, {2e-2, 2e-2}}, {at::kHalf, {2e-3, 4e-3}}};
// bfloat16 accuracy: mean |kernel - float32 reference| <= kAccuracyFactor * mean |LibTorch bf16 - float32 reference|.
constexpr double kAccuracyFactor = 1.25;
constexpr int64_t kRefBatch = 8;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Inputs {
  at::Tensor q, k_cache, v_cache, slots, lengths;  // all on the GPU
  DecodeAttentionParams p;
};

std::string shape_text(const AttnShape& s, int64_t B, int64_t C, at::ScalarType dtype) {
  return std::string(s.name) + " B=" + std::to_string(B) + " C=" + std::to_string(C) + " " + at::toString(dtype);
}

// Random lengths in [1, C]; the first is C and the last 1 when there are two or more.
std::vector<int64_t> random_lengths(int64_t B, int64_t C, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> pick(1, C);
  std::vector<int64_t> lengths(B);
  for (auto& n : lengths) n = pick(rng);
  lengths.front() = C;
  if (B > 1) lengths.back() = 1;
  return lengths;
}

// S = B + 5 slots, B of them taken in random order; entries past each length and the unused slots hold NaN unless
// `fill_all` (then every entry is random, so any later lengths are valid).
Inputs make_inputs(const AttnShape& s, int64_t B, int64_t C, at::ScalarType dtype, const std::vector<int64_t>& lengths,
                   bool fill_all = false) {
  const int64_t n_slots = B + 5;
  const auto opts = at::TensorOptions().device(at::kCUDA).dtype(dtype);
  Inputs in;
  in.slots = at::randperm(n_slots, at::kLong).narrow(0, 0, B).contiguous();
  if (fill_all) {
    in.k_cache = at::randn({n_slots, s.n_kv_heads, C, s.head_dim}, opts);
    in.v_cache = at::randn({n_slots, s.n_kv_heads, C, s.head_dim}, opts);
  } else {
    in.k_cache = at::full({n_slots, s.n_kv_heads, C, s.head_dim}, kNaN, opts);
    in.v_cache = at::full({n_slots, s.n_kv_heads, C, s.head_dim}, kNaN, opts);
    for (int64_t b = 0; b < B; ++b) {
      const int64_t slot = in.slots[b].item<int64_t>();
      in.k_cache[slot].narrow(1, 0, lengths[b]).normal_();
      in.v_cache[slot].narrow(1, 0, lengths[b]).normal_();
    }
  }
  in.slots = in.slots.cuda();
  in.lengths = at::tensor(lengths).cuda();
  // Queries of gain 3 make peaked softmaxes, so the running maximum of the online softmax matters.
  in.q = (at::randn({B, s.n_heads, s.head_dim}) * 3.0).to(opts);
  in.p.n_heads = s.n_heads;
  in.p.n_kv_heads = s.n_kv_heads;
  in.p.head_dim = s.head_dim;
  in.p.differential = s.differential;
  in.p.scale = 1.0 / std::sqrt(static_cast<double>(s.head_dim));
  if (s.differential) {
    in.p.lambda_init = 0.8 - 0.6 * std::exp(-0.3 * 17.0);
    in.p.lambda = 0.2 + 0.6 * at::rand({1}).item<double>();
    in.p.subln = (1.0 + 0.1 * at::randn({2 * s.head_dim})).to(opts);
  }
  return in;
}

// decode_attention_ref in batches of kRefBatch sequences, each from a compact copy of its slots, in `dtype`.
at::Tensor reference(const Inputs& in, at::ScalarType dtype) {
  std::vector<at::Tensor> parts;
  const int64_t B = in.q.size(0);
  for (int64_t b0 = 0; b0 < B; b0 += kRefBatch) {
    const int64_t n = std::min(kRefBatch, B - b0);
    const at::Tensor slots = in.slots.narrow(0, b0, n);
    DecodeAttentionParams p = in.p;
    if (p.subln.defined()) p.subln = p.subln.to(dtype);
    parts.push_back(decode_attention_ref(in.q.narrow(0, b0, n).to(dtype), in.k_cache.index_select(0, slots).to(dtype),
                                         in.v_cache.index_select(0, slots).to(dtype),
                                         at::arange(n, slots.options()), in.lengths.narrow(0, b0, n), p));
  }
  return at::cat(parts);
}

// The largest |got - want| / (atol + rtol |want|) seen, printed at the end so one GPU run shows each margin.
class WorstRatio {
 public:
  explicit WorstRatio(std::string name) : name_(std::move(name)) {}
  ~WorstRatio() {
    std::cout << "RESULT tolerance use " << name_ << ": worst |diff| / (atol + rtol |want|) = " << worst_ << " at "
              << where_ << "\n";
  }
  WorstRatio(const WorstRatio&) = delete;
  WorstRatio& operator=(const WorstRatio&) = delete;

  void expect_close(const at::Tensor& got, const at::Tensor& want, Tolerance t, const std::string& what) {
    ASSERT_EQ(got.sizes(), want.sizes()) << what;
    const at::Tensor g = got.cpu().to(at::kFloat), w = want.cpu().to(at::kFloat);
    ASSERT_FALSE(g.isnan().any().item<bool>()) << what << ": NaN in the kernel's output";
    ASSERT_FALSE(w.isnan().any().item<bool>()) << what << ": NaN in the reference's output";
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

double mean_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kFloat) - b.to(at::kFloat)).abs().mean().item<double>();
}

// One grid point: kernel vs reference (same dtype), and for bfloat16 the accuracy check against float32.
void check_case(const AttnShape& s, int64_t B, int64_t C, at::ScalarType dtype, std::mt19937_64& rng,
                WorstRatio& worst) {
  const std::string what = shape_text(s, B, C, dtype);
  const std::vector<int64_t> lengths = random_lengths(B, C, rng);
  const Inputs in = make_inputs(s, B, C, dtype, lengths);
  const at::Tensor got = decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p);
  ASSERT_TRUE(got.is_cuda()) << what;
  ASSERT_EQ(got.scalar_type(), dtype) << what;
  const at::Tensor want = reference(in, dtype);
  const auto& table = s.differential ? kDifferentialTolerance : kPlainTolerance;
  worst.expect_close(got, want, table.at(dtype), what);
  if (dtype == at::kBFloat16) {
    const at::Tensor truth = reference(in, at::kFloat);
    const double kernel_err = mean_abs_diff(got, truth), torch_err = mean_abs_diff(want, truth);
    EXPECT_LE(kernel_err, kAccuracyFactor * torch_err + 1e-7)
        << what << ": mean |error| against float32, kernel " << kernel_err << " vs LibTorch bf16 " << torch_err;
  }
}

TEST(KernelsGpu, DecodeAttentionMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = std::random_device{}();
  at::manual_seed(seed);
  std::mt19937_64 rng(seed);
  std::cout << "decode attention parity seed " << seed << "\n";
  WorstRatio worst("decode_attention_cuda vs decode_attention_ref");
  for (const AttnShape& s : {kSambaY, kPhi3}) {
    for (int64_t B : {1, 3, 64}) {
      for (int64_t C : {512, 2048 + 37, 34816}) {
        for (at::ScalarType dtype : {at::kBFloat16, at::kFloat}) {
          check_case(s, B, C, dtype, rng, worst);
          c10::cuda::CUDACachingAllocator::emptyCache();  // the 34816-token float32 caches are several GB
        }
      }
    }
  }
  for (const AttnShape& s : {kSambaY, kPhi3}) check_case(s, 3, 2048 + 37, at::kHalf, rng, worst);
  for (const AttnShape& s : kOddShapes) {
    for (at::ScalarType dtype : {at::kBFloat16, at::kFloat, at::kHalf}) {
      check_case(s, 3, 2048 + 37, dtype, rng, worst);
      check_case(s, 2, 100, dtype, rng, worst);  // one chunk, shorter than a block's first step of keys
    }
  }
}

// Batch 1 in a cache planned for 34816 tokens: the blocks split the actual length, whatever it is (a short context
// spreads over many blocks, a one-token one leaves all but one idle), and the merge by the last block to finish
// gives the same bits as the separate merge kernel.
TEST(KernelsGpu, DecodeAttentionSplitsTheActualLengthAndBothMergesAgree) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = std::random_device{}();
  at::manual_seed(seed);
  std::cout << "decode attention split seed " << seed << "\n";
  WorstRatio worst("decode_attention_cuda at batch 1, short lengths in a long cache");
  const int64_t C = 34816;
  for (const AttnShape& s : {kSambaY, kPhi3}) {
    for (int64_t length : {int64_t{1}, int64_t{31}, int64_t{33}, int64_t{2049}, int64_t{8191}, C - 5}) {
      for (int64_t B : {int64_t{1}, int64_t{3}}) {
        const std::string what = shape_text(s, B, C, at::kBFloat16) + " length " + std::to_string(length);
        Inputs in = make_inputs(s, B, C, at::kBFloat16, std::vector<int64_t>(B, length));
        const at::Tensor single = decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p);
        worst.expect_close(single, reference(in, at::kBFloat16), kDifferentialTolerance.at(at::kBFloat16), what);
        in.p.single_pass = false;
        const at::Tensor two = decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p);
        EXPECT_TRUE(at::equal(single, two)) << what << ": the two merges differ";
        // A second single-pass call finds its counters reset by the first.
        in.p.single_pass = true;
        EXPECT_TRUE(at::equal(single, decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p)))
            << what << ": a repeated call differs";
      }
    }
    c10::cuda::CUDACachingAllocator::emptyCache();
  }
}

TEST(KernelsGpu, DecodeAttentionOutOfRangeRowsAreNaNAndOtherHeadDimsTakeTheReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  at::manual_seed(5);
  Inputs in = make_inputs(kSambaY, 3, 300, at::kBFloat16, {300, 7, 1}, true);
  const at::Tensor good = decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p).cpu();
  // Sequence 1 gets a length past C, sequence 2 a slot past S: only their rows turn NaN, sequence 0 is unchanged.
  in.lengths.copy_(at::tensor(std::vector<int64_t>{300, 301, 1}));
  in.slots[2].fill_(in.k_cache.size(0));
  for (bool single_pass : {true, false}) {
    in.p.single_pass = single_pass;
    const at::Tensor bad = decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p).cpu();
    EXPECT_TRUE(at::equal(bad[0], good[0])) << "single_pass " << single_pass;
    EXPECT_TRUE(bad[1].isnan().all().item<bool>()) << "single_pass " << single_pass;
    EXPECT_TRUE(bad[2].isnan().all().item<bool>()) << "single_pass " << single_pass;
  }
  in.p.single_pass = true;
  DecodeAttentionParams p96 = in.p;
  p96.head_dim = 96;
  p96.subln = at::ones({192}, in.q.options());
  const auto opts = in.q.options();
  try {
    decode_attention_cuda(at::zeros({1, 40, 96}, opts), at::zeros({2, 20, 16, 96}, opts),
                          at::zeros({2, 20, 16, 96}, opts), in.slots.narrow(0, 0, 1), in.lengths.narrow(0, 0, 1), p96);
    ADD_FAILURE() << "head_dim 96 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("head_dim 96"), std::string::npos) << e.what();
  }
  // The dispatching op serves that head size through the reference.
  const at::Tensor q96 = at::randn({1, 40, 96}, opts), k96 = at::randn({2, 20, 16, 96}, opts);
  const at::Tensor v96 = at::randn({2, 20, 16, 96}, opts);
  const at::Tensor slot1 = at::ones({1}, in.slots.options()), length5 = at::full({1}, 5, in.lengths.options());
  EXPECT_TRUE(at::equal(decode_attention(q96, k96, v96, slot1, length5, p96),
                        decode_attention_ref(q96, k96, v96, slot1, length5, p96)));
}

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

TEST(KernelsGpu, DecodeAttentionBandwidth) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  at::manual_seed(7);
  for (const AttnShape& s : {kSambaY, kPhi3}) {
    for (int64_t B : {1, 64}) {
      for (int64_t C : {2048, 32768}) {
        c10::cuda::CUDACachingAllocator::emptyCache();  // the last case's caches: up to 12 GB, its reference 30 GB
        const Inputs in = make_inputs(s, B, C, at::kBFloat16, std::vector<int64_t>(B, C), true);
        const double kernel_s = seconds_per_call(
            [&] { decode_attention_cuda(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p); }, 100);
        const double ref_s = seconds_per_call(
            [&] { decode_attention_ref(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p); }, 5);
        const double bytes = static_cast<double>(B) * C * s.n_kv_heads * s.head_dim * 2 /* K and V */ * 2 /* bf16 */;
        std::cout << "RESULT decode_attention " << s.name << " bf16 B=" << B << " C=" << C << " (all lengths C): kernel "
                  << kernel_s * 1e6 << " us (" << bytes / kernel_s / 1e9 << " GB/s of K/V), LibTorch reference on GPU "
                  << ref_s * 1e6 << " us (" << bytes / ref_s / 1e9 << " GB/s)\n";
        EXPECT_LT(kernel_s, ref_s) << s.name << " B=" << B << " C=" << C;
        // At 32K tokens the split-K grid must keep HBM busy even for one sequence (H100 SXM: ~3.35 TB/s peak).
        if (C == 32768) EXPECT_GT(bytes / kernel_s, 1.0e12) << s.name << " B=" << B << " C=" << C;
      }
    }
  }
}

TEST(KernelsGpu, DecodeAttentionReplaysInCudaGraph) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = std::random_device{}();
  at::manual_seed(seed);
  std::mt19937_64 rng(seed);
  WorstRatio worst("decode_attention in a CUDA graph vs decode_attention_ref");
  for (const AttnShape& s : {kSambaY, kPhi3}) {
    const int64_t B = 5, C = 2048 + 37;
    const at::ScalarType dtype = at::kBFloat16;
    const Inputs in = make_inputs(s, B, C, dtype, random_lengths(B, C, rng), true);
    at::cuda::CUDAGraph graph;
    at::Tensor out;
    {
      const c10::cuda::CUDAStreamGuard side(c10::cuda::getStreamFromPool());
      decode_attention(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p);  // warm-up outside the capture
      graph.capture_begin();
      out = decode_attention(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p);
      graph.capture_end();
    }
    at::Tensor previous;
    for (int replay = 0; replay < 4; ++replay) {
      const std::string what = std::string(s.name) + " seed " + std::to_string(seed) + " replay " +
                               std::to_string(replay);
      // New lengths (1 and C included), a new slot order and new queries, copied into the captured tensors.
      in.lengths.copy_(at::tensor(random_lengths(B, C, rng)));
      in.slots.copy_(at::randperm(in.k_cache.size(0), at::kLong).narrow(0, 0, B));
      in.q.copy_(at::randn(in.q.sizes()) * 3.0);
      graph.replay();
      at::accelerator::synchronizeDevice(0);
      worst.expect_close(out, reference(in, dtype), (s.differential ? kDifferentialTolerance : kPlainTolerance).at(dtype),
                         what);
      // The replay runs the same launches as an eager call: bit for bit the same output.
      EXPECT_TRUE(at::equal(out, decode_attention(in.q, in.k_cache, in.v_cache, in.slots, in.lengths, in.p))) << what;
      if (previous.defined()) EXPECT_FALSE(at::equal(out, previous)) << what << ": the replay ignored the new inputs";
      previous = out.clone();
    }
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
