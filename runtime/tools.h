// Runtime tools behind the CLI's make-tiny, score and bench commands (torch-free header, like engine.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rbench::runtime {

// A random checkpoint in the exact Hugging Face layout of Phi-4-mini-flash (config.json, generation_config.json,
// model.safetensors or shards + index, real tensor names, A_log and lambda_* stored F32 like the release, and
// tokenizer files when write_tokenizer is set), or with arch "phi3" of Phi-4-mini-reasoning (Phi3ForCausalLM with
// partial LongRoPE; window, d_state, layout and differential do not apply).
struct TinyCheckpointOptions {
  std::filesystem::path out_dir;
  std::string arch = "phi4flash";     // phi4flash | phi3
  uint64_t seed = 0;
  std::string dtype = "f32";          // storage of the matrices: f32 | bf16 | f16
  int64_t n_layers = 8;
  int64_t hidden = 64;
  int64_t n_heads = 4;
  int64_t n_kv_heads = 2;
  int64_t intermediate = 128;
  int64_t vocab = 512;                // raised to the tokenizer's size when a tokenizer is written
  int64_t window = 16;
  int64_t mamba_d_state = 16;
  std::string layout = "sambay";      // sambay | samba | sambayoco
  bool differential = true;
  bool window_as_list = false;        // write sliding_window as HF's per-layer list
  int n_shards = 1;                   // > 1: model-0000k-of-0000n.safetensors + model.safetensors.index.json
  bool write_tokenizer = true;
  int64_t original_max_positions = 4096;  // phi3: original_max_position_embeddings (max_position_embeddings is 32x)
  double rotary_fraction = 0.75;          // phi3: partial_rotary_factor
  bool tie_embeddings = true;             // phi3: false writes a separate lm_head.weight
};

void make_tiny_checkpoint(const TinyCheckpointOptions& options);

// Float32 logits [T, vocab] of `ids`, as a tensor named "logits" in a safetensors file. stepwise: one token at a
// time through the decode path; otherwise prefill in chunks of prefill_chunk tokens (0 = all at once).
struct ScoreOptions {
  std::filesystem::path model_dir;
  std::vector<int32_t> ids;
  std::filesystem::path out_file;
  bool stepwise = false;
  std::string device = "cpu";
  int64_t prefill_chunk = 0;
};

void score(const ScoreOptions& options);

// rbench bench: one architecture's speed on the continuous-batching engine's pieces (StatePool, Model::decode_step,
// DecodeStepRunner with CUDA graphs and on-device sampling), against the bytes-per-step roofline (weights read once
// + every sequence's state read and written per decode step, over a device copy bandwidth measured in the same
// run). Random weights at the released shape (or a config file's) unless model_dir is given; eos is ignored.
// Phases: a batch-1 prefill of the prompt (timed after a warm-up, compared with the model's FLOPs at a bf16 matmul
// rate measured in the same run); a pool of `concurrency` sequences at the prompt's length (one prefill, its slot
// copied into the others); decode_steps timed steps from there; then, when sweep_contexts is set, the step time
// at each of those contexts (positions jumped there: the K/V content does not change the speed) and its integral
// over the whole generation, which predicts the workload's decode time without running it.
struct BenchOptions {
  std::filesystem::path model_dir;    // a checkpoint; empty: random weights
  std::string arch = "phi4flash";     // random weights: phi4flash | phi3 (released shapes, spec sections 3 and 6)
  std::filesystem::path config_file;  // random weights at this config.json's shape instead
  std::string device = "cuda";
  int64_t prompt_len = 2048;
  int64_t gen_len = 256;              // generated tokens per sequence: the first from the prefill, then gen_len - 1 steps
  int64_t concurrency = 1;            // sequences in flight; 0 = as many as fit (StatePool::slots_that_fit, CUDA only)
  int64_t decode_steps = 0;           // timed decode steps from the prompt; 0 = all gen_len - 1 (a complete run)
  std::vector<int64_t> sweep_contexts;  // contexts to time steps at (<= prompt_len + gen_len); empty: no sweep
  int64_t sweep_steps = 8;            // timed steps per sweep context, after one untimed step
  bool cuda_graphs = true;
  double temperature = 0.0;           // 0 = greedy
  double top_p = 1.0;
  uint64_t seed = 0;                  // random weights and sampling (sequence s draws with seed + s)
};

struct BenchSweepPoint {
  double context = 0;                 // mean tokens held after the timed steps
  double step_seconds = 0;            // one decode step of every sequence in flight
  double tokens_per_s = 0;            // concurrency / step_seconds
  double roofline_fraction = 0;       // roofline step time at this context / step_seconds
};

struct BenchResult {
  std::string arch, device, dtype;
  int64_t n_params = 0, prompt_len = 0, gen_len = 0, concurrency = 0;
  int64_t capacity = 0;                 // tokens per pool slot: max(prompt + gen, largest sweep context)
  int64_t decode_steps = 0;             // steps timed from the prompt
  bool cuda_graphs = false;             // asked for (graphs_captured says whether capture worked)
  int64_t graphs_captured = 0;
  double copy_bandwidth_gbs = 0;        // measured: 2 * bytes / time of a large device copy (read + write)
  double matmul_tflops = 0;             // measured: a large at::matmul in the compute dtype
  // Batch-1 prefill of one prompt.
  double prefill_seconds = 0, prefill_tokens_per_s = 0;
  double prefill_flops = 0;             // bench_arithmetic::prefill_flops
  double prefill_flops_seconds = 0;     // prefill_flops at the measured matmul rate
  double prefill_vs_flops = 0;          // prefill_seconds / prefill_flops_seconds (target: <= 2)
  // Decode of `concurrency` sequences from the prompt, decode_steps steps.
  double decode_seconds = 0;
  double decode_tokens_per_s = 0;       // all sequences together
  double ms_per_output_token = 0;       // per sequence: decode_seconds / decode_steps
  double peak_memory_gib = 0;           // peak allocated on the GPU over the run (0 on CPU)
  double state_gib_per_sequence = 0;    // StatePool::bytes_per_slot at the capacity
  double weight_bytes_per_step = 0;     // weights read once per decode step
  double state_bytes_per_step = 0;      // state moved per step, all sequences, mean over the timed steps
  double roofline_tokens_per_s = 0;     // at the measured copy bandwidth
  double roofline_fraction = 0;         // decode_tokens_per_s / roofline_tokens_per_s
  // Context sweep and the workload predicted from it (prompt_len + gen_len, all gen_len - 1 steps).
  std::vector<BenchSweepPoint> sweep;
  double predicted_decode_seconds = 0;
  double predicted_decode_tokens_per_s = 0;
  double predicted_ms_per_output_token = 0;
  double predicted_wall_seconds = 0;    // concurrency batch-1 prefills + predicted decode
  double predicted_roofline_fraction = 0;
  double predicted_vs_measured = 0;     // predicted / measured decode seconds when the run was complete; else 0
};

BenchResult bench(const BenchOptions& options);
// The config.json bench builds random weights from without a config file: the released shape of "phi4flash"
// (Phi-4-mini-flash-reasoning) or "phi3" (Phi-4-mini-reasoning).
std::string released_config_json(const std::string& arch);
// The result as one JSON object (every field above; sweep as a list of objects).
std::string bench_result_json(const BenchResult& result);

}  // namespace rbench::runtime
