// Argument checks, device dispatch and the LibTorch reference of the decode step's inputs; see decode_step_inputs.h.
#include "runtime/kernels/decode_step_inputs/decode_step_inputs.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const char* name, const std::string& want, const at::Tensor& got) {
  throw std::invalid_argument(std::string("decode_step_inputs: tensor '") + name + "': expected " + want + ", got " +
                              describe_tensor(got));
}

}  // namespace

void check_decode_step_inputs_args(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                   const std::vector<int64_t>& windows) {
  if (!embed.defined() || embed.dim() != 2 || !at::isFloatingType(embed.scalar_type()))
    fail("embed", "a floating-point [V, D] table", embed);
  if (!ids.defined() || ids.dim() != 1 || ids.scalar_type() != at::kLong || ids.device() != embed.device())
    fail("ids", "int64 [B] on " + embed.device().str(), ids);
  if (!positions.defined() || positions.sizes() != ids.sizes() || positions.scalar_type() != at::kLong ||
      positions.device() != embed.device())
    fail("positions", "int64 [" + std::to_string(ids.size(0)) + "] on " + embed.device().str(), positions);
  if (windows.size() > static_cast<std::size_t>(kMaxStepWindows))
    throw std::invalid_argument("decode_step_inputs: " + std::to_string(windows.size()) + " windows, at most " +
                                std::to_string(kMaxStepWindows));
  for (int64_t w : windows)
    if (w <= 0) throw std::invalid_argument("decode_step_inputs: window " + std::to_string(w) + " is not positive");
}

DecodeStepInputs decode_step_inputs_ref(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                        const std::vector<int64_t>& windows) {
  check_decode_step_inputs_args(embed, ids, positions, windows);
  DecodeStepInputs out;
  out.residual = at::embedding(embed, ids).to(at::kFloat);
  out.lengths = positions + 1;
  for (int64_t w : windows) {
    out.ring_rows.push_back(at::remainder(positions, w));
    out.ring_lengths.push_back(at::clamp_max(out.lengths, w));
  }
  return out;
}

DecodeStepInputs decode_step_inputs(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                    const std::vector<int64_t>& windows) {
#ifdef RBENCH_HAVE_CUDA
  if (embed.is_cuda()) return decode_step_inputs_cuda(embed, ids, positions, windows);
#endif
  return decode_step_inputs_ref(embed, ids, positions, windows);
}

}  // namespace rbench::runtime::kernels
