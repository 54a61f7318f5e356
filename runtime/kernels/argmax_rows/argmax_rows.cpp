// Argument checks, device dispatch and the LibTorch reference of argmax_rows; see argmax_rows.h.
#include "runtime/kernels/argmax_rows/argmax_rows.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

void check_argmax_rows_args(const at::Tensor& logits, int64_t n) {
  if (!logits.defined() || logits.dim() != 2 || logits.scalar_type() != at::kFloat ||
      (logits.numel() > 0 && logits.stride(1) != 1))
    throw std::invalid_argument("argmax_rows: tensor 'logits': expected float32 [B, V] with contiguous rows, got " +
                                describe_tensor(logits));
  if (n < 1 || n > logits.size(1))
    throw std::invalid_argument("argmax_rows: n = " + std::to_string(n) + " columns of " +
                                std::to_string(logits.size(1)));
}

at::Tensor argmax_rows_ref(const at::Tensor& logits, int64_t n) {
  check_argmax_rows_args(logits, n);
  return at::argmax(logits.narrow(1, 0, n), 1);
}

at::Tensor argmax_rows(const at::Tensor& logits, int64_t n) {
#ifdef RBENCH_HAVE_CUDA
  if (logits.is_cuda()) return argmax_rows_cuda(logits, n);
#endif
  return argmax_rows_ref(logits, n);
}

}  // namespace rbench::runtime::kernels
