// rbench bench on the continuous-batching engine's pieces; see tools.h for the phases and bench_arithmetic.h for
// the roofline, FLOPs and integration. The decode pool holds `concurrency` sequences plus the runner's scratch
// slot, all at one capacity, so the sweep's long contexts and the timed decode share one pool and one set of
// captured CUDA graphs. Only one prompt is prefilled: its slot is copied into the others, since the state's
// values do not change the speed of a step.
#include <ATen/DeviceAccelerator.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include <unistd.h>

#include "runtime/model/tensor_source.h"
#include "runtime/models/phi3.h"
#include "runtime/models/phi3_config.h"
#include "runtime/models/registry.h"
#include "runtime/models/sambay.h"
#include "runtime/models/sambay_config.h"
#include "runtime/scheduler/decode_step_runner.h"
#include "runtime/state/state_pool.h"
#include "runtime/tools.h"
#include "runtime/tools/bench_arithmetic.h"

namespace rbench::runtime {

namespace {

namespace arith = bench_arithmetic;
using Clock = std::chrono::steady_clock;
constexpr int64_t kPrefillChunk = 2048;  // longer prompts prefill in chunks, so attention memory stays bounded
constexpr int64_t kMostSlots = 4096;     // --concurrency max: at most this many sequences

// Phi-4-mini-flash-reasoning's released shape (spec section 3); the parser derives the rest.
const nlohmann::json kReleasedPhi4Flash = {
    {"model_type", "phi4flash"}, {"hidden_size", 2560}, {"intermediate_size", 10240}, {"num_hidden_layers", 32},
    {"num_attention_heads", 40}, {"num_key_value_heads", 20}, {"vocab_size", 200064}, {"sliding_window", 512},
    {"mb_per_layer", 2}, {"layer_norm_eps", 1e-5}, {"tie_word_embeddings", true}};

// Phi-4-mini-reasoning's released shape (spec section 6.1): partial LongRoPE with the released factor sets.
nlohmann::json released_phi3() {
  const std::vector<double> long_factor = {
      1,           1.118320672, 1.250641126, 1.398617824, 1.564103225, 1.74916897,  1.956131817, 2.187582649,
      2.446418898, 2.735880826, 3.059592084, 3.421605075, 3.826451687, 4.279200023, 4.785517845, 5.351743533,
      5.984965424, 6.693110555, 7.485043894, 8.370679318, 9.36110372,  10.4687158,  11.70738129, 13.09260651,
      14.64173252, 16.37415215, 18.31155283, 20.47818807, 22.90118105, 25.61086418, 28.64115884, 32.03,
      32.1,        32.13,       32.23,       32.6,        32.61,       32.64,       32.66,       32.7,
      32.71,       32.93,       32.97,       33.28,       33.49,       33.5,        44.16,       47.77};
  return {{"model_type", "phi3"},
          {"hidden_size", 3072},
          {"intermediate_size", 8192},
          {"num_hidden_layers", 32},
          {"num_attention_heads", 24},
          {"num_key_value_heads", 8},
          {"vocab_size", 200064},
          {"rms_norm_eps", 1e-5},
          {"hidden_act", "silu"},
          {"max_position_embeddings", 131072},
          {"original_max_position_embeddings", 4096},
          {"rope_theta", 10000.0},
          {"partial_rotary_factor", 0.75},
          {"rope_scaling",
           {{"type", "longrope"}, {"short_factor", std::vector<double>(48, 1.0)}, {"long_factor", long_factor}}},
          {"tie_word_embeddings", true}};
}

int device_index(const at::Device& device) { return device.index() < 0 ? 0 : device.index(); }

void synchronize(const at::Device& device) {
  if (device.is_cuda()) at::accelerator::synchronizeDevice(device_index(device));
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Read + write bandwidth of a device-to-device copy of a buffer far larger than any cache.
double copy_bandwidth(const at::Device& device) {
  const int64_t bytes = device.is_cuda() ? (int64_t{1} << 30) : (int64_t{64} << 20);
  at::Tensor src = at::ones({bytes / 4}, at::TensorOptions().device(device).dtype(at::kFloat));
  at::Tensor dst = at::empty_like(src);
  dst.copy_(src);  // warm-up
  synchronize(device);
  const int n_copies = device.is_cuda() ? 20 : 3;
  const auto t0 = Clock::now();
  for (int i = 0; i < n_copies; ++i) dst.copy_(src);
  synchronize(device);
  return 2.0 * static_cast<double>(bytes) * n_copies / seconds_since(t0);
}

// FLOP/s of a square matmul in the compute dtype, large enough to reach the tensor cores' rate.
double matmul_rate(const at::Device& device, at::ScalarType dtype) {
  const int64_t n = device.is_cuda() ? 8192 : 512;
  const auto opts = at::TensorOptions().device(device).dtype(dtype);
  const at::Tensor a = at::randn({n, n}, opts), b = at::randn({n, n}, opts);
  at::Tensor c = at::matmul(a, b);  // warm-up (cuBLAS handle and heuristics)
  synchronize(device);
  const int reps = device.is_cuda() ? 20 : 2;
  const auto t0 = Clock::now();
  for (int i = 0; i < reps; ++i) c = at::matmul(a, b);
  synchronize(device);
  return 2.0 * static_cast<double>(n * n * n) * reps / seconds_since(t0);
}

struct BuiltModel {
  std::unique_ptr<Model> model;
  std::string arch;
  int64_t hidden = 0;
  bool tied = true;
};

std::filesystem::path write_temp_config(const nlohmann::json& config) {
  const auto path =
      std::filesystem::temp_directory_path() / ("rbench-bench-config-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << config.dump();
  return path;
}

BuiltModel build(const BenchOptions& o) {
  std::filesystem::path config_file = o.config_file;
  if (!o.model_dir.empty()) config_file = o.model_dir / "config.json";
  std::string arch = o.arch;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) throw std::runtime_error("bench: cannot read " + config_file.string());
    arch = nlohmann::json::parse(in).value("model_type", "");
  }
  if (arch != "phi4flash" && arch != "phi3") throw std::runtime_error("bench: unknown arch '" + arch + "' (phi4flash | phi3)");
  const bool released = config_file.empty();
  if (released) config_file = write_temp_config(nlohmann::json::parse(released_config_json(arch)));
  BuiltModel b;
  b.arch = arch;
  RandomSource source(o.seed);
  try {
    if (arch == "phi4flash") {
      const SambaYConfig c = parse_sambay_config(config_file);
      b.hidden = c.hidden;
      b.tied = c.tie_embeddings;
      b.model = o.model_dir.empty() ? build_sambay(c, source, o.device) : load_model(o.model_dir, o.device);
    } else {
      const Phi3Config c = parse_phi3_config(config_file);
      b.hidden = c.hidden;
      b.tied = c.tie_embeddings;
      b.model = o.model_dir.empty() ? build_phi3(c, source, o.device) : load_model(o.model_dir, o.device);
    }
  } catch (...) {
    if (released) std::filesystem::remove(config_file);
    throw;
  }
  if (released) std::filesystem::remove(config_file);
  return b;
}

std::vector<int32_t> pseudo_random_prompt(int64_t length, int64_t vocab) {
  std::vector<int32_t> prompt;
  for (int64_t i = 0; i < length; ++i) prompt.push_back(static_cast<int32_t>((i * 7919 + 17) % vocab));
  return prompt;
}

// Copies slot `from`'s state into slots [1, n): the rows a sequence of n_tokens tokens holds (whole rings).
void copy_slot_state(const StatePool& pool, int64_t from, int64_t n, int64_t n_tokens) {
  if (n <= 1) return;
  auto spread = [&](const at::Tensor& t) {
    if (!t.defined()) return;
    at::Tensor dst = t.narrow(0, 1, n - 1);
    dst.copy_(t.narrow(0, from, 1).expand_as(dst));
  };
  for (std::size_t i = 0; i < pool.spec().kinds.size(); ++i) {
    const PooledLayer& l = pool.layer(i);
    spread(l.conv);
    spread(l.ssm);
    if (!l.k.defined()) continue;
    const int64_t rows = l.window > 0 ? l.k.size(2) : std::min(n_tokens, l.k.size(2));  // [S, Hkv, C, dh]
    spread(l.k.narrow(2, 0, rows));
    spread(l.v.narrow(2, 0, rows));
  }
}

// n steps of every sequence in flight from `position` on; returns the seconds they took.
double timed_steps(DecodeStepRunner& runner, std::vector<int32_t>& ids, const std::vector<int64_t>& slots,
                   int64_t position, int64_t n) {
  std::vector<int64_t> positions(slots.size(), position);
  const auto t0 = Clock::now();
  for (int64_t k = 0; k < n; ++k) {
    ids = runner.step(ids, slots, positions);  // reads the tokens back: the step has finished on the device
    for (auto& p : positions) ++p;
  }
  return seconds_since(t0);
}

}  // namespace

BenchResult bench(const BenchOptions& o) {
  if (o.prompt_len < 1 || o.gen_len < 2 || o.concurrency < 0 || o.decode_steps < 0 || o.sweep_steps < 1)
    throw std::invalid_argument("bench: need prompt_len >= 1, gen_len >= 2, concurrency >= 0 (0 = max), "
                                "decode_steps >= 0, sweep_steps >= 1");
  if (o.decode_steps > o.gen_len - 1)
    throw std::invalid_argument("bench: decode_steps " + std::to_string(o.decode_steps) + " exceeds gen_len - 1 = " +
                                std::to_string(o.gen_len - 1));
  const int64_t workload = o.prompt_len + o.gen_len;
  for (int64_t c : o.sweep_contexts)
    if (c < o.sweep_steps + 2 || c > std::max<int64_t>(workload, 0))
      throw std::invalid_argument("bench: sweep context " + std::to_string(c) + " outside [sweep_steps + 2, " +
                                  "prompt_len + gen_len = " + std::to_string(workload) + "]");
  BuiltModel b = build(o);
  Model& model = *b.model;
  const at::Device device = model.device();
  const StateSpec& spec = model.state_spec();
  BenchResult r;
  r.arch = b.arch;
  r.device = device.str();
  r.dtype = model.dtype_name();
  r.n_params = model.n_params();
  r.prompt_len = o.prompt_len;
  r.gen_len = o.gen_len;
  r.capacity = workload;
  r.decode_steps = o.decode_steps > 0 ? o.decode_steps : o.gen_len - 1;
  r.cuda_graphs = o.cuda_graphs && device.is_cuda();
  const at::ScalarType compute = parse_placement(o.device).compute;
  r.copy_bandwidth_gbs = copy_bandwidth(device) / 1e9;
  r.matmul_tflops = matmul_rate(device, compute) / 1e12;

  // Decode pool: concurrency sequences + the scratch slot.
  const int64_t vocab = model.vocab_size();
  const int64_t workspace = 40 * vocab;  // the sampler's copies of a logits row, as the engine sizes it
  if (o.concurrency == 0 && !device.is_cuda())
    throw std::invalid_argument("bench: --concurrency max sizes the pool from free GPU memory; give a number on " +
                                device.str());
  r.concurrency = o.concurrency > 0 ? o.concurrency
                                    : StatePool::slots_that_fit(spec, r.capacity, kMostSlots + 1, workspace) - 1;
  if (r.concurrency < 1) throw std::runtime_error("bench: no sequence of " + std::to_string(r.capacity) + " tokens fits");
  r.state_gib_per_sequence = static_cast<double>(StatePool::bytes_per_slot(spec, r.capacity)) / (1 << 30);
  StatePool pool(spec, r.concurrency + 1, r.capacity);
  DecodeStepRunner runner(model, pool, vocab, o.cuda_graphs);
  if (device.is_cuda()) at::accelerator::resetPeakStats(device_index(device));

  // Batch-1 prefill into slot 0: one warm-up, then the timed one.
  const std::vector<int32_t> prompt = pseudo_random_prompt(o.prompt_len, vocab);
  at::Tensor logits;
  for (int pass = 0; pass < 2; ++pass) {
    SequenceState state = pool.open(0, workload);
    synchronize(device);
    const auto t0 = Clock::now();
    logits = prefill_chunked(model, state, prompt, kPrefillChunk, LogitsWanted::last);  // [1, vocab]
    synchronize(device);
    r.prefill_seconds = seconds_since(t0);
  }
  r.prefill_tokens_per_s = static_cast<double>(o.prompt_len) / r.prefill_seconds;
  const int64_t embedding = vocab * b.hidden;
  r.prefill_flops = arith::prefill_flops(spec, b.hidden, r.n_params - (b.tied ? 1 : 2) * embedding, vocab, o.prompt_len);
  r.prefill_flops_seconds = r.prefill_flops / (r.matmul_tflops * 1e12);
  r.prefill_vs_flops = r.prefill_seconds / r.prefill_flops_seconds;

  // Every sequence at the prompt's state, with its own sampling seed.
  std::vector<int64_t> slots;
  std::vector<int32_t> ids;
  for (int64_t s = 0; s < r.concurrency; ++s) {
    SamplingParams params;
    params.temperature = o.temperature;
    params.top_p = o.top_p;
    params.seed = o.seed + static_cast<uint64_t>(s);
    params.max_new_tokens = static_cast<int>(o.gen_len);
    params.ignore_eos = true;
    if (s > 0) pool.open(s, workload);
    runner.set_slot(s, params, o.prompt_len);
    slots.push_back(s);
    ids.push_back(runner.sample_first(logits, s));
  }
  copy_slot_state(pool, 0, r.concurrency, o.prompt_len);

  // The first step of a batch size captures its graph: one untimed step at the prompt's position (it rewrites
  // the row the first timed step writes again), then the timed decode.
  timed_steps(runner, ids, slots, o.prompt_len, 1);
  synchronize(device);
  r.decode_seconds = timed_steps(runner, ids, slots, o.prompt_len, r.decode_steps);
  const double steps = static_cast<double>(r.decode_steps);
  r.decode_tokens_per_s = steps * static_cast<double>(r.concurrency) / r.decode_seconds;
  r.ms_per_output_token = 1e3 * r.decode_seconds / steps;

  // Roofline: weights once per step (an untied input table is read a row per token, not whole) + the state.
  const double element = static_cast<double>(c10::elementSize(compute));
  r.weight_bytes_per_step = static_cast<double>(r.n_params) * element -
                            (b.tied ? 0.0 : static_cast<double>(embedding) * element);
  const arith::StepTraffic traffic = arith::step_traffic(spec);
  const double conc = static_cast<double>(r.concurrency);
  const double bandwidth = r.copy_bandwidth_gbs * 1e9;
  const double mean_context = static_cast<double>(o.prompt_len) + 1 + (steps - 1) / 2;  // step k holds prompt+k+1
  r.state_bytes_per_step = conc * traffic.at(mean_context);
  r.roofline_tokens_per_s = conc * bandwidth / (r.weight_bytes_per_step + r.state_bytes_per_step);
  r.roofline_fraction = r.decode_tokens_per_s / r.roofline_tokens_per_s;

  // Context sweep: steps whose last one holds `context` tokens.
  std::vector<arith::StepTimePoint> curve;
  for (int64_t context : o.sweep_contexts) {
    const int64_t first_position = context - o.sweep_steps - 1;  // one untimed step, then sweep_steps timed
    timed_steps(runner, ids, slots, first_position, 1);
    const double seconds = timed_steps(runner, ids, slots, first_position + 1, o.sweep_steps);
    BenchSweepPoint p;
    p.context = static_cast<double>(first_position + 1) + 1 + static_cast<double>(o.sweep_steps - 1) / 2;
    p.step_seconds = seconds / static_cast<double>(o.sweep_steps);
    p.tokens_per_s = conc / p.step_seconds;
    p.roofline_fraction = (r.weight_bytes_per_step + conc * traffic.at(p.context)) / bandwidth / p.step_seconds;
    r.sweep.push_back(p);
    curve.push_back({p.context, p.step_seconds});
  }
  if (!curve.empty()) {
    const double n = static_cast<double>(o.gen_len - 1);
    const double first = static_cast<double>(o.prompt_len) + 1;
    r.predicted_decode_seconds = arith::integrate_step_seconds(curve, first, n);
    r.predicted_decode_tokens_per_s = n * conc / r.predicted_decode_seconds;
    r.predicted_ms_per_output_token = 1e3 * r.predicted_decode_seconds / n;
    r.predicted_wall_seconds = conc * r.prefill_seconds + r.predicted_decode_seconds;
    const double roofline_seconds = (n * r.weight_bytes_per_step + conc * (traffic.fixed * n + traffic.per_token *
                                                                              (first * n + n * (n - 1) / 2))) / bandwidth;
    r.predicted_roofline_fraction = roofline_seconds / r.predicted_decode_seconds;
    if (r.decode_steps == o.gen_len - 1) r.predicted_vs_measured = r.predicted_decode_seconds / r.decode_seconds;
  }
  r.graphs_captured = runner.graphs_captured();
  if (device.is_cuda()) {
    const auto stats = at::accelerator::getDeviceStats(device_index(device));
    r.peak_memory_gib = static_cast<double>(stats.allocated_bytes[0].peak) / (1 << 30);
  }
  return r;
}

std::string released_config_json(const std::string& arch) {
  if (arch == "phi4flash") return kReleasedPhi4Flash.dump();
  if (arch == "phi3") return released_phi3().dump();
  throw std::invalid_argument("bench: no released shape for arch '" + arch + "' (phi4flash | phi3)");
}

std::string bench_result_json(const BenchResult& r) {
  nlohmann::json sweep = nlohmann::json::array();
  for (const BenchSweepPoint& p : r.sweep)
    sweep.push_back({{"context", p.context}, {"step_seconds", p.step_seconds}, {"tokens_per_s", p.tokens_per_s},
                     {"roofline_fraction", p.roofline_fraction}});
  const nlohmann::json j = {
      {"arch", r.arch}, {"device", r.device}, {"dtype", r.dtype}, {"n_params", r.n_params},
      {"prompt_len", r.prompt_len}, {"gen_len", r.gen_len}, {"concurrency", r.concurrency},
      {"capacity", r.capacity}, {"decode_steps", r.decode_steps}, {"cuda_graphs", r.cuda_graphs},
      {"graphs_captured", r.graphs_captured}, {"copy_bandwidth_gbs", r.copy_bandwidth_gbs},
      {"matmul_tflops", r.matmul_tflops}, {"prefill_seconds", r.prefill_seconds},
      {"prefill_tokens_per_s", r.prefill_tokens_per_s}, {"prefill_flops", r.prefill_flops},
      {"prefill_flops_seconds", r.prefill_flops_seconds}, {"prefill_vs_flops", r.prefill_vs_flops},
      {"decode_seconds", r.decode_seconds}, {"decode_tokens_per_s", r.decode_tokens_per_s},
      {"ms_per_output_token", r.ms_per_output_token}, {"peak_memory_gib", r.peak_memory_gib},
      {"state_gib_per_sequence", r.state_gib_per_sequence}, {"weight_bytes_per_step", r.weight_bytes_per_step},
      {"state_bytes_per_step", r.state_bytes_per_step}, {"roofline_tokens_per_s", r.roofline_tokens_per_s},
      {"roofline_fraction", r.roofline_fraction}, {"sweep", sweep},
      {"predicted_decode_seconds", r.predicted_decode_seconds},
      {"predicted_decode_tokens_per_s", r.predicted_decode_tokens_per_s},
      {"predicted_ms_per_output_token", r.predicted_ms_per_output_token},
      {"predicted_wall_seconds", r.predicted_wall_seconds},
      {"predicted_roofline_fraction", r.predicted_roofline_fraction},
      {"predicted_vs_measured", r.predicted_vs_measured}};
  return j.dump();
}

}  // namespace rbench::runtime
