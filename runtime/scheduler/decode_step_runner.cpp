// Eager and CUDA-graph decode steps with on-device sampling; see decode_step_runner.h.
#include "runtime/scheduler/decode_step_runner.h"

#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>

#include "runtime/kernels/argmax_rows/argmax_rows.h"
#include "runtime/sampler/batch_sampler.h"

#ifdef RBENCH_HAVE_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace rbench::runtime {

struct DecodeStepRunner::Graph {
#ifdef RBENCH_HAVE_CUDA
  at::cuda::CUDAGraph graph;
#endif
  at::Tensor inputs;  // int64 [3, bucket] on the device: ids, slots, positions
  at::Tensor tokens;  // int64 [bucket], written by every replay
};

DecodeStepRunner::DecodeStepRunner(Model& model, StatePool& pool, int64_t n_sampleable, bool use_cuda_graphs)
    : model_(model), pool_(pool), n_sampleable_(n_sampleable), use_graphs_(use_cuda_graphs && model.device().is_cuda()) {
  if (pool.n_slots() < 2) throw std::invalid_argument("decode steps need a pool of at least 2 slots (one is scratch)");
  const int64_t S = pool.n_slots();
  const auto dev = at::TensorOptions().device(model.device());
  temperature_ = at::zeros({S}, dev.dtype(at::kFloat));
  top_p_ = at::ones({S}, dev.dtype(at::kFloat));
  min_p_ = at::zeros({S}, dev.dtype(at::kFloat));
  top_k_ = at::zeros({S}, dev.dtype(at::kLong));
  seed_ = at::zeros({S}, dev.dtype(at::kLong));
  prompt_length_ = at::zeros({S}, dev.dtype(at::kLong));
  sampled_.assign(static_cast<std::size_t>(S), false);
  host_inputs_ = at::empty({3, S}, at::TensorOptions().dtype(at::kLong).pinned_memory(model.device().is_cuda()));
}

DecodeStepRunner::~DecodeStepRunner() = default;

int64_t DecodeStepRunner::graphs_captured() const { return static_cast<int64_t>(graphs_.size()); }

void DecodeStepRunner::set_slot(int64_t slot, const SamplingParams& params, int64_t prompt_length) {
  const BatchSamplingTensors p = make_sampling_tensors({params}, {0}, model_.device());
  temperature_[slot].copy_(p.temperature[0]);
  top_p_[slot].copy_(p.top_p[0]);
  min_p_[slot].copy_(p.min_p[0]);
  top_k_[slot].copy_(p.top_k[0]);
  seed_[slot].copy_(p.seed[0]);
  prompt_length_[slot].fill_(prompt_length);
  sampled_.at(static_cast<std::size_t>(slot)) = params.temperature > 0.0;
}

int32_t DecodeStepRunner::sample_first(const at::Tensor& logits, int64_t slot) {
  const at::Tensor s = at::full({1}, slot, seed_.options());
  const BatchSamplingTensors p{temperature_.index_select(0, s), top_p_.index_select(0, s), min_p_.index_select(0, s),
                              top_k_.index_select(0, s),       seed_.index_select(0, s),  at::zeros_like(s)};
  return static_cast<int32_t>(sample_batch(logits, p, n_sampleable_).item<int64_t>());
}

at::Tensor DecodeStepRunner::eager_step(const at::Tensor& inputs, bool greedy) {
  const at::Tensor ids = inputs[0], slots = inputs[1], positions = inputs[2];
  const at::Tensor logits = model_.decode_step(pool_, ids, slots, positions);
  if (greedy) {
    const int64_t n = n_sampleable_ > 0 ? std::min(n_sampleable_, logits.size(1)) : logits.size(1);
    return kernels::argmax_rows(logits, n);
  }
  // The token sampled now is the request's (position + 1 - prompt length)-th generated token, counting from 0.
  const BatchSamplingTensors p{temperature_.index_select(0, slots), top_p_.index_select(0, slots),
                              min_p_.index_select(0, slots),       top_k_.index_select(0, slots),
                              seed_.index_select(0, slots),        positions + 1 - prompt_length_.index_select(0, slots)};
  return sample_batch(logits, p, n_sampleable_);
}

int64_t DecodeStepRunner::bucket_for(int64_t batch) const {
  const int64_t most = pool_.n_slots() - 1;
  int64_t bucket = batch <= 1 ? 1 : batch <= 2 ? 2 : batch <= 4 ? 4 : batch <= 8 ? 8 : (batch + 15) / 16 * 16;
  return std::min(bucket, most);
}

std::vector<int32_t> DecodeStepRunner::step(const std::vector<int32_t>& ids, const std::vector<int64_t>& slots,
                                            const std::vector<int64_t>& positions) {
  const auto batch = static_cast<int64_t>(ids.size());
  if (batch < 1 || batch >= pool_.n_slots() || slots.size() != ids.size() || positions.size() != ids.size())
    throw std::invalid_argument("decode step: " + std::to_string(batch) + " sequences for a pool of " +
                                std::to_string(pool_.n_slots() - 1));
  const int64_t width = use_graphs_ ? bucket_for(batch) : batch;
  bool greedy = true;
  for (int64_t slot : slots) greedy = greedy && !sampled_.at(static_cast<std::size_t>(slot));
  int64_t* host = host_inputs_.data_ptr<int64_t>();
  const int64_t stride = host_inputs_.size(1);
  for (int64_t b = 0; b < width; ++b) {
    const bool real = b < batch;
    host[b] = real ? ids[b] : 0;
    host[stride + b] = real ? slots[b] : scratch_slot();
    host[2 * stride + b] = real ? positions[b] : 0;
  }
  const at::Tensor staged = host_inputs_.narrow(1, 0, width);
  at::Tensor tokens;
#ifdef RBENCH_HAVE_CUDA
  if (use_graphs_) {
    const auto key = std::make_pair(width, greedy);
    auto it = graphs_.find(key);
    if (it == graphs_.end()) {
      auto g = std::make_unique<Graph>();
      g->inputs = staged.to(model_.device());
      try {
        // Capture on a side stream after one eager warm-up there (cuBLAS workspaces, lazily built kernels).
        const c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool();
        at::cuda::CUDAEvent before;
        before.record(c10::cuda::getCurrentCUDAStream());
        before.block(stream);
        {
          const c10::cuda::CUDAStreamGuard guard(stream);
          // Warm-up and capture see padding rows only (the scratch slot), so no sequence's state moves; a capture
          // records kernels without running them.
          at::Tensor scratch = g->inputs.clone();
          scratch[1].fill_(scratch_slot());
          scratch[2].zero_();
          eager_step(scratch, greedy);
          g->inputs.copy_(scratch);
          const auto pool_id = graphs_.empty() ? at::cuda::MempoolId_t{0, 0} : graphs_.begin()->second->graph.pool();
          g->graph.capture_begin(pool_id);
          g->tokens = eager_step(g->inputs, greedy);
          g->graph.capture_end();
        }
        at::cuda::CUDAEvent after;
        after.record(stream);
        after.block(c10::cuda::getCurrentCUDAStream());
        it = graphs_.emplace(key, std::move(g)).first;
      } catch (const std::exception& e) {
        std::cerr << "rbench: CUDA graph capture failed for batch " << width << " (running decode steps eagerly): "
                  << e.what() << "\n";
        use_graphs_ = false;
      }
    }
    if (use_graphs_) {
      it->second->inputs.copy_(staged, /*non_blocking=*/true);
      it->second->graph.replay();
      tokens = it->second->tokens.narrow(0, 0, batch);
    }
  }
#endif
  if (!tokens.defined())
    tokens = eager_step(staged.narrow(1, 0, batch).to(model_.device()), greedy).narrow(0, 0, batch);
  const at::Tensor host_tokens = tokens.to(at::kCPU);
  std::vector<int32_t> out(static_cast<std::size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) out[b] = static_cast<int32_t>(host_tokens.data_ptr<int64_t>()[b]);
  return out;
}

}  // namespace rbench::runtime
