// Training runs the runtime's own architecture code: the batched training forward (TrainableSambaY over the
// sequence forms of runtime/layers/) must give the engine's per-sequence prefill logits for the same weights,
// for every sequence of a right-padded batch, and its scan (with a hand-written backward) must equal the
// kernels' reference scan and the gradients of a step-by-step autograd loop.
// A real gradient must also reach every parameter (a detached weight would silently stop learning).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>

#include "runtime/kernels/selective_scan/selective_scan.h"
#include "runtime/layers/sequence_scan.h"
#include "runtime/model/model.h"
#include "runtime/models/registry.h"
#include "runtime/models/sambay_config.h"
#include "runtime/tools/checkpoint_json.h"
#include "runtime/training/trainable_sambay.h"
#include "tests/training/temp_dir.h"

namespace {

using namespace rbench::runtime;

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

// The recurrence step by step in differentiable ops: the gradient oracle of the scan's hand-written backward.
at::Tensor scan_oracle(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& Bm,
                       const at::Tensor& Cm, const at::Tensor& D) {
  at::Tensor h = at::zeros({x.size(0), x.size(2), A.size(1)}, x.options());
  std::vector<at::Tensor> ys;
  for (int64_t t = 0; t < x.size(1); ++t) {
    at::Tensor delta = dt.select(1, t).unsqueeze(-1);                              // [B, d, 1]
    h = at::exp(delta * A) * h + delta * x.select(1, t).unsqueeze(-1) * Bm.select(1, t).unsqueeze(1);
    ys.push_back((h * Cm.select(1, t).unsqueeze(1)).sum(-1) + x.select(1, t) * D);
  }
  return at::stack(ys, 1);
}

TEST(TrainingForwardParity, SequenceScanEqualsReferenceScanAndItsGradients) {
  at::manual_seed(3);
  const int64_t B = 3, T = 37, d = 24, N = 4;
  std::vector<at::Tensor> in = {at::randn({B, T, d}), at::softplus(at::randn({B, T, d})), -at::exp(at::randn({d, N})),
                                at::randn({B, T, N}), at::randn({B, T, N}), at::randn({d})};
  for (auto& t : in) t.set_requires_grad(true);
  at::Tensor y = layers::selective_scan_sequence(in[0], in[1], in[2], in[3], in[4], in[5]);
  ASSERT_EQ(y.sizes(), in[0].sizes());
  {
    at::NoGradGuard no_grad;
    for (int64_t b = 0; b < B; ++b) {
      at::Tensor state = at::zeros({d, N});
      at::Tensor ref = kernels::selective_scan_ref(in[0][b], in[1][b], in[2], in[3][b], in[4][b], in[5], state);
      EXPECT_LT(max_diff(y[b], ref), 1e-4) << "sequence " << b;
    }
  }
  at::Tensor weights = at::randn({B, T, d});
  auto grads = torch::autograd::grad({(y * weights).sum()}, in);  // the hand-written backward
  auto oracle = torch::autograd::grad({(scan_oracle(in[0], in[1], in[2], in[3], in[4], in[5]) * weights).sum()}, in);
  const char* names[] = {"x", "dt", "A", "B", "C", "D"};
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double scale = oracle[i].abs().max().item<double>();
    ASSERT_GT(scale, 0.0) << names[i];
    EXPECT_LT(max_diff(grads[i], oracle[i]), 1e-4 * scale) << "gradient of " << names[i];
  }
}

TEST(TrainingForwardParity, BatchedTrainingLogitsEqualEnginePrefill) {
  SambaYConfigFields f;
  f.hidden = 32, f.intermediate = 64, f.n_layers = 8, f.n_heads = 4, f.n_kv_heads = 2, f.vocab = 96;
  f.window = 8, f.mamba_d_state = 4;  // sequences of 5 windows: the ring and the window mask both matter
  const auto dir = rbench::training_test::temp_dir("forward_parity");
  write_json(dir / "config.json", sambay_config_json(f));
  const SambaYConfig config = parse_sambay_config(dir / "config.json");
  training::TrainableSambaY trainable(config, 5);
  // Move every weight off its initialiser (ones, zeros, tiny lambdas) so that each block's output matters.
  {
    at::NoGradGuard no_grad;
    at::manual_seed(9);
    for (const auto& p : trainable.parameters()) p.add_(at::randn_like(p) * 0.2);
  }
  trainable.write_safetensors(dir / "model.safetensors");

  const std::vector<int64_t> lengths = {40, 23, 31};
  const int64_t T = 40;
  at::Tensor ids = at::zeros({3, T}, at::kLong);
  for (int64_t b = 0; b < 3; ++b)
    for (int64_t t = 0; t < lengths[b]; ++t) ids[b][t] = (t * 37 + b * 11 + 5) % f.vocab;
  at::Tensor batched = trainable.forward(ids);                        // [3, T, vocab]
  ASSERT_EQ(batched.sizes(), (at::IntArrayRef{3, T, f.vocab}));
  ASSERT_GT(batched.std().item<double>(), 0.5);                       // logits carry signal

  auto model = load_model(dir, "cpu");
  for (int64_t b = 0; b < 3; ++b) {
    SequenceState state = model->new_sequence();
    at::Tensor engine = model->forward(state, ids[b].narrow(0, 0, lengths[b]), LogitsWanted::all);  // [len, vocab]
    EXPECT_LT(max_diff(batched[b].narrow(0, 0, lengths[b]), engine), 1e-4) << "sequence " << b;
  }

  // Every parameter gets a nonzero gradient from a loss over the logits.
  batched.pow(2).mean().backward();
  for (std::size_t i = 0; i < trainable.parameters().size(); ++i) {
    const at::Tensor& g = trainable.parameters()[i].grad();
    ASSERT_TRUE(g.defined()) << trainable.specs()[i].name;
    EXPECT_GT(g.abs().sum().item<double>(), 0.0) << trainable.specs()[i].name;
  }
}

}  // namespace
