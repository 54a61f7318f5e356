// rbench bench: prefill and decode speed against the bytes-per-step roofline; see tools.h. The roofline counts
// what one decode step must move at least once: every weight (the tied embedding read as the LM head) plus, per
// sequence, the Mamba conv/SSM states read and written, the sliding-window rings read, and the K/V rows that the
// full-, cross- and causal-attention layers read at the step's context. State bytes grow linearly with the
// context, so the mean over the run is the value at the mean context, prompt + (gen_len - 1) / 2.
#include <ATen/DeviceAccelerator.h>

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
#include "runtime/tools.h"

namespace rbench::runtime {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kPrefillChunk = 2048;  // longer prompts prefill in chunks, so attention memory stays bounded

// Phi-4-mini-flash-reasoning's released shape (spec section 3); the parser derives the rest.
const nlohmann::json kReleasedPhi4Flash = {
    {"model_type", "phi4flash"}, {"hidden_size", 2560}, {"intermediate_size", 10240}, {"num_hidden_layers", 32},
    {"num_attention_heads", 40}, {"num_key_value_heads", 20}, {"vocab_size", 200064}, {"sliding_window", 512},
    {"mb_per_layer", 2}, {"layer_norm_eps", 1e-5}, {"tie_word_embeddings", true}};

void synchronize(const at::Device& device) {
  if (device.is_cuda()) at::accelerator::synchronizeDevice(device.index() < 0 ? 0 : device.index());
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Read + write bandwidth of a device-to-device copy of a buffer far larger than any cache.
double copy_bandwidth(const at::Device& device) {
  const int64_t bytes = device.is_cuda() ? (int64_t{1} << 30) : (int64_t{256} << 20);
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

struct StateTraffic {
  double fixed = 0;        // bytes per step and sequence, independent of the context
  double per_token = 0;    // bytes per step and sequence for each token of context
};

StateTraffic sambay_traffic(const SambaYConfig& c, int64_t element_size) {
  StateTraffic t;
  const double kv_row = 2.0 * static_cast<double>(c.n_kv_heads * c.head_dim * element_size);  // one K and V row
  for (std::size_t i = 0; i < c.kinds.size(); ++i) {
    switch (c.kinds[i]) {
      case LayerKind::mamba:
      case LayerKind::mamba_memory:
        t.fixed += 2.0 * static_cast<double>((c.mamba_d_conv - 1) * c.mamba_d_inner * element_size +
                                             c.mamba_d_inner * c.mamba_d_state * 4);
        break;
      case LayerKind::sliding_attention: t.fixed += kv_row * static_cast<double>(c.windows[i] + 1); break;
      case LayerKind::full_attention: t.fixed += kv_row; t.per_token += kv_row; break;
      case LayerKind::cross_attention: t.per_token += kv_row; break;
      default: break;
    }
  }
  return t;
}

StateTraffic phi3_traffic(const Phi3Config& c, int64_t element_size) {
  const double kv_row = 2.0 * static_cast<double>(c.n_kv_heads * c.head_dim * element_size);
  return {kv_row * static_cast<double>(c.n_layers), kv_row * static_cast<double>(c.n_layers)};
}

struct BuiltModel {
  std::unique_ptr<Model> model;
  StateTraffic traffic;
  double untied_embedding_bytes = 0;  // an input table read one row per step, not whole
  std::string arch;
};

BuiltModel build(const BenchOptions& o) {
  const Placement placement = parse_placement(o.device);
  const int64_t es = static_cast<int64_t>(c10::elementSize(placement.compute));
  std::filesystem::path config_file = o.config_file;
  if (!o.model_dir.empty()) config_file = o.model_dir / "config.json";
  std::string arch = o.arch;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) throw std::runtime_error("bench: cannot read " + config_file.string());
    arch = nlohmann::json::parse(in).value("model_type", "");
  }
  BuiltModel b;
  b.arch = arch;
  RandomSource source(o.seed);
  if (arch == "phi4flash") {
    SambaYConfig c;
    if (config_file.empty()) {
      const auto tmp =
          std::filesystem::temp_directory_path() / ("rbench-bench-config-" + std::to_string(::getpid()) + ".json");
      std::ofstream(tmp) << kReleasedPhi4Flash.dump();
      c = parse_sambay_config(tmp);
      std::filesystem::remove(tmp);
    } else {
      c = parse_sambay_config(config_file);
    }
    b.traffic = sambay_traffic(c, es);
    if (!c.tie_embeddings) b.untied_embedding_bytes = static_cast<double>(c.vocab * c.hidden * es);
    b.model = o.model_dir.empty() ? build_sambay(c, source, o.device) : load_model(o.model_dir, o.device);
  } else if (arch == "phi3") {
    if (config_file.empty()) throw std::runtime_error("bench: --arch phi3 needs --config (a Phi3 config.json)");
    const Phi3Config c = parse_phi3_config(config_file);
    b.traffic = phi3_traffic(c, es);
    if (!c.tie_embeddings) b.untied_embedding_bytes = static_cast<double>(c.vocab * c.hidden * es);
    b.model = o.model_dir.empty() ? build_phi3(c, source, o.device) : load_model(o.model_dir, o.device);
  } else {
    throw std::runtime_error("bench: unknown arch '" + arch + "' (phi4flash | phi3)");
  }
  return b;
}

}  // namespace

BenchResult bench(const BenchOptions& o) {
  if (o.prompt_len < 1 || o.gen_len < 1 || o.concurrency < 1) {
    throw std::invalid_argument("bench: prompt_len, gen_len and concurrency must be >= 1");
  }
  BuiltModel b = build(o);
  Model& model = *b.model;
  const at::Device device = model.device();
  BenchResult r;
  r.arch = b.arch;
  r.device = device.str();
  r.dtype = model.dtype_name();
  r.n_params = model.n_params();
  r.prompt_len = o.prompt_len;
  r.gen_len = o.gen_len;
  r.concurrency = o.concurrency;
  r.copy_bandwidth_gbs = copy_bandwidth(device) / 1e9;
  if (device.is_cuda()) at::accelerator::resetPeakStats(device.index() < 0 ? 0 : device.index());

  // Prompts of pseudo-random ids inside the vocabulary; the values do not change the speed.
  const int64_t vocab = model.vocab_size();
  std::vector<SequenceState> states;
  std::vector<at::Tensor> next;  // [1] int64 on the device: each sequence's next input, never copied to the host
  synchronize(device);
  auto t0 = Clock::now();
  for (int64_t s = 0; s < o.concurrency; ++s) {
    std::vector<int32_t> prompt;
    for (int64_t i = 0; i < o.prompt_len; ++i) {
      prompt.push_back(static_cast<int32_t>((i * 7919 + s * 104729 + 17) % vocab));
    }
    states.push_back(model.new_sequence());
    states.back().plan_length(o.prompt_len + o.gen_len);
    at::Tensor logits = prefill_chunked(model, states.back(), prompt, kPrefillChunk, LogitsWanted::last);  // [1, vocab]
    next.push_back(logits.argmax(-1));
  }
  synchronize(device);
  r.prefill_seconds = seconds_since(t0);

  t0 = Clock::now();
  for (int64_t step = 0; step + 1 < o.gen_len; ++step) {  // the prefill produced each sequence's first token
    for (int64_t s = 0; s < o.concurrency; ++s) {
      next[s] = model.forward(states[s], next[s], LogitsWanted::last).argmax(-1);  // greedy, stays on the device
    }
  }
  synchronize(device);
  r.decode_seconds = seconds_since(t0);

  const double decode_steps = static_cast<double>(std::max<int64_t>(o.gen_len - 1, 1));
  r.prefill_tokens_per_s = static_cast<double>(o.prompt_len * o.concurrency) / r.prefill_seconds;
  r.decode_tokens_per_s = decode_steps * static_cast<double>(o.concurrency) / r.decode_seconds;
  r.ms_per_output_token = 1e3 * r.decode_seconds / decode_steps;
  if (device.is_cuda()) {
    const auto stats = at::accelerator::getDeviceStats(device.index() < 0 ? 0 : device.index());
    r.peak_memory_gib = static_cast<double>(stats.allocated_bytes[0].peak) / (1 << 30);
  }
  const int64_t es = static_cast<int64_t>(c10::elementSize(parse_placement(o.device).compute));
  r.weight_bytes_per_step = static_cast<double>(r.n_params * es) - b.untied_embedding_bytes;
  const double mean_context = static_cast<double>(o.prompt_len) + (decode_steps - 1) / 2;
  r.state_bytes_per_step =
      static_cast<double>(o.concurrency) * (b.traffic.fixed + b.traffic.per_token * mean_context);
  const double step_seconds = (r.weight_bytes_per_step + r.state_bytes_per_step) / (r.copy_bandwidth_gbs * 1e9);
  r.roofline_tokens_per_s = static_cast<double>(o.concurrency) / step_seconds;
  r.roofline_fraction = r.decode_tokens_per_s / r.roofline_tokens_per_s;
  return r;
}

}  // namespace rbench::runtime
