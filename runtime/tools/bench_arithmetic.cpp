// Roofline bytes, prefill FLOPs and step-time integration of rbench bench; see bench_arithmetic.h.
#include "runtime/tools/bench_arithmetic.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rbench::runtime::bench_arithmetic {

StepTraffic step_traffic(const StateSpec& spec) {
  const double es = static_cast<double>(at::elementSize(spec.kv_dtype));
  const double kv_row = 2.0 * static_cast<double>(spec.n_kv_heads * spec.head_dim) * es;  // one K and one V row
  const double mamba = static_cast<double>((spec.mamba_d_conv - 1) * spec.mamba_d_inner) * es +
                       static_cast<double>(spec.mamba_d_inner * spec.mamba_d_state) * 4.0;  // SSM state is float32
  StepTraffic t;
  for (std::size_t i = 0; i < spec.kinds.size(); ++i) {
    switch (spec.kinds[i]) {
      case LayerKind::mamba:
      case LayerKind::mamba_memory: t.fixed += 2.0 * mamba; break;
      case LayerKind::sliding_attention:
        t.fixed += kv_row * static_cast<double>(spec.windows.at(i) + 1);
        break;
      case LayerKind::full_attention:
      case LayerKind::causal_attention:
        t.fixed += kv_row;
        t.per_token += kv_row;
        break;
      case LayerKind::cross_attention: t.per_token += kv_row; break;
      case LayerKind::gmu: break;
    }
  }
  return t;
}

double prefill_flops(const StateSpec& spec, int64_t hidden, int64_t linear_params, int64_t vocab, int64_t T) {
  const double n = static_cast<double>(T);
  const double causal_pairs = n * (n + 1) / 2;
  double pairs = 0;
  for (std::size_t i = 0; i < spec.kinds.size(); ++i) {
    switch (spec.kinds[i]) {
      case LayerKind::full_attention:
      case LayerKind::causal_attention:
      case LayerKind::cross_attention: pairs += causal_pairs; break;
      case LayerKind::sliding_attention: {
        const double w = static_cast<double>(std::min<int64_t>(spec.windows.at(i), T));
        pairs += w * (w + 1) / 2 + (n - w) * w;  // the first w queries see a growing prefix, the rest w keys
        break;
      }
      default: break;
    }
  }
  return 2.0 * static_cast<double>(linear_params) * n + 4.0 * static_cast<double>(hidden) * pairs +
         2.0 * static_cast<double>(vocab) * static_cast<double>(hidden);
}

namespace {

// The curve's value at x on the segment through a and b (a line past the ends).
double on_line(const StepTimePoint& a, const StepTimePoint& b, double x) {
  if (b.context == a.context) return a.seconds;
  return a.seconds + (b.seconds - a.seconds) * (x - a.context) / (b.context - a.context);
}

// The integral from x0 to x1 of the line through a and b: trapezoid of its values at the ends.
double line_integral(const StepTimePoint& a, const StepTimePoint& b, double x0, double x1) {
  return (x1 - x0) * (on_line(a, b, x0) + on_line(a, b, x1)) / 2;
}

}  // namespace

double integrate_step_seconds(std::vector<StepTimePoint> points, double first_context, double n_steps) {
  if (points.empty()) throw std::invalid_argument("bench: no measured step times to integrate");
  if (n_steps < 0) throw std::invalid_argument("bench: negative step count " + std::to_string(n_steps));
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.context < b.context; });
  const double lo = first_context, hi = first_context + n_steps;
  if (points.size() == 1) return points[0].seconds * n_steps;
  double total = 0;
  const std::size_t last = points.size() - 1;
  // Segment s covers [points[s], points[s+1]]; the first reaches down to -inf, the last up to +inf.
  for (std::size_t s = 0; s < last; ++s) {
    const double seg_lo = s == 0 ? lo : std::max(lo, points[s].context);
    const double seg_hi = s + 1 == last ? hi : std::min(hi, points[s + 1].context);
    if (seg_hi > seg_lo) total += line_integral(points[s], points[s + 1], seg_lo, seg_hi);
  }
  return total;
}

}  // namespace rbench::runtime::bench_arithmetic
