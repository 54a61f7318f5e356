// The arithmetic of `rbench bench`, apart from its timing so tests can check it on its own: the bytes one decode
// step must move per sequence (the roofline's state term, from the same StateSpec a StatePool allocates), the model
// FLOPs of a batch-1 prefill (what the prefill time is compared with at the measured matmul rate), and the
// integral of a measured step-time curve over a generation (how a 32K-token workload is predicted from a few
// contexts instead of being run for an hour).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/state/sequence_state.h"

namespace rbench::runtime::bench_arithmetic {

// Bytes one decode step moves for one sequence, linear in the context (the tokens the sequence holds once the step
// has written its token): Mamba conv and SSM states read and written, every sliding-window ring read whole,
// each full/causal layer's K/V read up to the context, cross-attention layers reading the shared K/V up to the
// context, and one K/V row written per cache.
struct StepTraffic {
  double fixed = 0;      // bytes independent of the context
  double per_token = 0;  // bytes per token of context
  double at(double context) const { return fixed + per_token * context; }
};
StepTraffic step_traffic(const StateSpec& spec);

// Model FLOPs of prefilling T tokens of one sequence: 2 per multiply-add of every linear weight (linear_params: the
// parameters without the embedding table) for each token, attention's score and value products (4 * hidden FLOPs
// per query-key pair: causal pairs for full, causal and cross attention, at most `window` keys for sliding
// attention) and the LM head (2 * vocab * hidden) for the last token only. Mamba's scan and the norms are left
// out (well under 1% at the real shapes).
double prefill_flops(const StateSpec& spec, int64_t hidden, int64_t linear_params, int64_t vocab, int64_t T);

struct StepTimePoint {
  double context = 0;  // tokens held after the step
  double seconds = 0;  // one decode step of every sequence in flight
};

// The predicted time of n_steps decode steps, step k at context first_context + k: the integral of the piecewise
// linear curve through `points` (any order; the trapezoid rule over the measured points) from first_context to
// first_context + n_steps, the end segments extended linearly past the measured range (one point: a constant).
double integrate_step_seconds(std::vector<StepTimePoint> points, double first_context, double n_steps);

}  // namespace rbench::runtime::bench_arithmetic
