// AdamW (decoupled weight decay) with global-norm gradient clipping, over a fixed list of leaf tensors.
// Weight decay applies to matrices only (embedding, projections); norms, biases, A_log, D, dt and lambda
// vectors are left undecayed, as is usual for these layers.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "runtime/model/tensor_source.h"

namespace rbench::runtime::training {

class AdamW {
 public:
  AdamW(std::vector<at::Tensor> params, const std::vector<TensorSpec>& specs, double weight_decay,
        double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8);
  void zero_grad();
  // Clips the gradients' global L2 norm to max_norm (<= 0: no clipping), then updates in place.
  void step(double lr, double max_norm);

 private:
  std::vector<at::Tensor> params_, m_, v_;
  std::vector<bool> decay_;
  double weight_decay_, beta1_, beta2_, eps_;
  int64_t t_ = 0;
};

}  // namespace rbench::runtime::training
