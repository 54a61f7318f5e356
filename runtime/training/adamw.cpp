// AdamW update; see adamw.h.
#include "runtime/training/adamw.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

namespace rbench::runtime::training {

AdamW::AdamW(std::vector<at::Tensor> params, const std::vector<TensorSpec>& specs, double weight_decay, double beta1,
             double beta2, double eps)
    : params_(std::move(params)), weight_decay_(weight_decay), beta1_(beta1), beta2_(beta2), eps_(eps) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    m_.push_back(at::zeros_like(params_[i]));
    v_.push_back(at::zeros_like(params_[i]));
    decay_.push_back(specs[i].init == TensorInit::linear || specs[i].init == TensorInit::embedding);
  }
}

void AdamW::zero_grad() {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
}

void AdamW::step(double lr, double max_norm) {
  at::NoGradGuard no_grad;
  ++t_;
  double scale = 1.0;
  if (max_norm > 0) {
    double sq = 0.0;
    for (auto& p : params_)
      if (p.grad().defined()) sq += p.grad().pow(2).sum().item<double>();
    const double norm = std::sqrt(sq);
    if (norm > max_norm) scale = max_norm / (norm + 1e-6);
  }
  const double c1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
  const double c2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    at::Tensor& p = params_[i];
    if (!p.grad().defined()) continue;
    at::Tensor g = p.grad() * scale;
    m_[i].mul_(beta1_).add_(g, 1.0 - beta1_);
    v_[i].mul_(beta2_).addcmul_(g, g, 1.0 - beta2_);
    if (decay_[i]) p.mul_(1.0 - lr * weight_decay_);
    at::Tensor denom = (v_[i] / c2).sqrt_().add_(eps_);
    p.addcdiv_(m_[i], denom, -lr / c1);
  }
}

}  // namespace rbench::runtime::training
