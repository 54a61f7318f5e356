// phi3_kv_bench: the cost of the two K/V cache policies of a Phi3 sequence on this machine. "planned" preallocates
// every layer's cache to prompt + new tokens before the first token (SequenceState::plan_length, what generation
// and score do); "growing" starts from the first chunk and doubles (copying) when full. Prints decode tokens/s
// and the cache bytes of each. Usage: phi3_kv_bench [n_tokens=2048] [hidden=256] [layers=8] [device=cpu]
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/models/registry.h"
#include "tests/runtime/test_support.h"

using namespace rbench::runtime;

namespace {

double decode_seconds(Model& model, int64_t n_tokens, bool planned, int64_t& bytes) {
  SequenceState state = model.new_sequence();
  if (planned) state.plan_length(n_tokens);
  prefill_chunked(model, state, {1}, 0, LogitsWanted::none);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t t = 1; t < n_tokens; ++t) prefill_chunked(model, state, {static_cast<int32_t>(t % 500)}, 0, LogitsWanted::last);
  if (model.device().is_cuda()) at::zeros({1}, at::TensorOptions().device(model.device())).cpu();
  bytes = state.bytes();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n_tokens = argc > 1 ? std::atoll(argv[1]) : 2048;
  TinyCheckpointOptions o;
  o.arch = "phi3";
  o.hidden = argc > 2 ? std::atoll(argv[2]) : 256;
  o.n_layers = argc > 3 ? std::atoll(argv[3]) : 8;
  const std::string device = argc > 4 ? argv[4] : "cpu";
  o.n_heads = o.hidden / 32;
  o.n_kv_heads = o.n_heads / 4 > 0 ? o.n_heads / 4 : 1;
  o.intermediate = 2 * o.hidden;
  o.original_max_positions = 2 * n_tokens;
  o.write_tokenizer = false;
  auto model = load_model(test::tiny_checkpoint("phi3-kv-bench", o), device);
  int64_t bytes = 0;
  decode_seconds(*model, 64, true, bytes);  // warm-up
  for (int round = 0; round < 2; ++round) {
    for (bool planned : {true, false}) {
      const double s = decode_seconds(*model, n_tokens, planned, bytes);
      std::printf("%-8s n_tokens=%lld decode %.1f tok/s (%.3f s), cache %lld bytes\n", planned ? "planned" : "growing",
                  static_cast<long long>(n_tokens), static_cast<double>(n_tokens - 1) / s, s,
                  static_cast<long long>(bytes));
    }
  }
  return 0;
}
