// train_tiny_sambay: tokenizer, examples to padded id batches with a completion-only loss mask, AdamW with
// warmup and cosine decay, and the checkpoint files; see runtime/training.h.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "runtime/models/sambay_config.h"
#include "runtime/tools/checkpoint_json.h"
#include "runtime/training.h"
#include "runtime/training/adamw.h"
#include "runtime/training/trainable_sambay.h"

namespace rbench::runtime {

namespace {

using nlohmann::json;

int32_t required_id(const Tokenizer& tokenizer, const char* token) {
  auto id = tokenizer.token_id(token);
  if (!id) throw std::runtime_error(std::string("train: the tokenizer has no ") + token + " token");
  return *id;
}

// Merges are learnt from the corpus with its digits removed, so every digit stays its own token (a tiny model
// learns column arithmetic on single digits far more easily than on multi-digit pieces).
std::string merge_training_text(const std::vector<TrainingExample>& examples, std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < std::min(limit, examples.size()); ++i) {
    for (const auto& m : examples[i].prompt) text += m.content + "\n";
    text += examples[i].completion + "\n";
  }
  std::string out;
  for (char ch : text)
    if (ch < '0' || ch > '9') out += ch;
  return out;
}

json config_json(const TrainOptions& o, int64_t vocab, int32_t bos) {
  SambaYConfigFields f;
  f.hidden = o.hidden, f.intermediate = o.intermediate, f.n_layers = o.n_layers;
  f.n_heads = o.n_heads, f.n_kv_heads = o.n_kv_heads, f.vocab = vocab;
  f.window = o.window, f.mamba_d_state = o.mamba_d_state, f.max_positions = 4096, f.bos = bos;
  f.trained_by = "rbench train-default (runtime/training)";
  return sambay_config_json(f);
}

struct EncodedExample {
  std::vector<int32_t> ids;
  int64_t prompt_length = 0;  // loss on the tokens after it
};

// ids [B, T] padded with `pad`, and the float mask [B, T] of positions whose token is predicted (completion).
std::pair<at::Tensor, at::Tensor> make_batch(const std::vector<EncodedExample>& encoded, std::size_t first,
                                             int64_t batch, int32_t pad) {
  int64_t T = 0;
  for (int64_t b = 0; b < batch; ++b) T = std::max<int64_t>(T, encoded[first + b].ids.size());
  at::Tensor ids = at::full({batch, T}, pad, at::kLong);
  at::Tensor mask = at::zeros({batch, T}, at::kFloat);
  auto id_acc = ids.accessor<int64_t, 2>();
  auto mask_acc = mask.accessor<float, 2>();
  for (int64_t b = 0; b < batch; ++b) {
    const auto& e = encoded[first + b];
    for (std::size_t t = 0; t < e.ids.size(); ++t) {
      id_acc[b][t] = e.ids[t];
      if (static_cast<int64_t>(t) >= e.prompt_length) mask_acc[b][t] = 1.0f;
    }
  }
  return {ids, mask};
}

double learning_rate(const TrainOptions& o, int64_t step) {
  if (step < o.warmup_steps) return o.lr * static_cast<double>(step + 1) / static_cast<double>(o.warmup_steps);
  const double progress = static_cast<double>(step - o.warmup_steps) /
                          static_cast<double>(std::max<int64_t>(1, o.steps - o.warmup_steps));
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
  return o.lr * (o.min_lr_ratio + (1.0 - o.min_lr_ratio) * cosine);
}

}  // namespace

TrainReport train_tiny_sambay(const TrainOptions& o, const std::vector<TrainingExample>& examples) {
  if (o.out_dir.empty()) throw std::invalid_argument("train: no output directory given");
  if (o.steps < 1 || o.batch_size < 1)
    throw std::invalid_argument("train: steps and batch_size must be positive, got " + std::to_string(o.steps) +
                                " and " + std::to_string(o.batch_size));
  const std::size_t needed = static_cast<std::size_t>(o.steps * o.batch_size);
  if (examples.size() < needed)
    throw std::invalid_argument("train: " + std::to_string(o.steps) + " steps of " + std::to_string(o.batch_size) +
                                " need " + std::to_string(needed) + " examples, got " + std::to_string(examples.size()));
  if (o.threads > 0) at::set_num_threads(o.threads);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  std::filesystem::create_directories(o.out_dir);
  write_tiny_tokenizer(o.out_dir, merge_training_text(examples, 2000), o.n_merges);
  auto tokenizer = load_tokenizer(o.out_dir);
  const ChatTemplate chat = ChatTemplate::for_model(o.out_dir);
  const int32_t bos = required_id(*tokenizer, "<|endoftext|>"), end = required_id(*tokenizer, "<|end|>");
  const int64_t vocab = (static_cast<int64_t>(tokenizer->vocab_size()) + 63) / 64 * 64;
  write_json(o.out_dir / "config.json", config_json(o, vocab, bos));
  write_json(o.out_dir / "generation_config.json",
             {{"bos_token_id", bos}, {"eos_token_id", {end, bos}}, {"pad_token_id", bos}});
  const SambaYConfig config = parse_sambay_config(o.out_dir / "config.json");

  TrainReport report;
  report.vocab = vocab;
  std::vector<EncodedExample> encoded;
  encoded.reserve(needed);
  for (std::size_t i = 0; i < needed; ++i) {
    EncodedExample e;
    e.ids = tokenizer->encode(chat.render(examples[i].prompt, true), true);
    e.prompt_length = static_cast<int64_t>(e.ids.size());
    for (int32_t id : tokenizer->encode(examples[i].completion)) e.ids.push_back(id);
    e.ids.push_back(end);
    report.max_tokens = std::max<int64_t>(report.max_tokens, e.ids.size());
    encoded.push_back(std::move(e));
  }

  training::TrainableSambaY model(config, o.seed);
  report.n_params = model.n_params();
  training::AdamW optimizer(model.parameters(), model.specs(), o.weight_decay);
  at::manual_seed(o.seed);
  double recent_loss_sum = 0.0;
  std::vector<double> recent;
  for (int64_t step = 0; step < o.steps; ++step) {
    auto [ids, mask] = make_batch(encoded, static_cast<std::size_t>(step * o.batch_size), o.batch_size, bos);
    at::Tensor logits = model.forward(ids);                                        // [B, T, V]
    const int64_t T = ids.size(1);
    at::Tensor logp = at::log_softmax(logits.narrow(1, 0, T - 1), -1);            // predicts tokens 1..T-1
    at::Tensor target = ids.narrow(1, 1, T - 1).unsqueeze(-1);
    at::Tensor nll = -logp.gather(-1, target).squeeze(-1);                         // [B, T-1]
    at::Tensor m = mask.narrow(1, 1, T - 1);
    at::Tensor loss = (nll * m).sum() / m.sum();
    optimizer.zero_grad();
    loss.backward();
    const double lr = learning_rate(o, step);
    optimizer.step(lr, o.grad_clip);
    const double value = loss.item<double>();
    if (!std::isfinite(value)) throw std::runtime_error("train: loss is not finite at step " + std::to_string(step));
    if (step == 0) report.first_loss = value;
    recent.push_back(value);
    if (recent.size() > 10) recent.erase(recent.begin());
    report.steps = step + 1;
    const bool out_of_time = o.max_seconds > 0 && elapsed() > o.max_seconds;
    if (o.on_progress && ((step + 1) % o.progress_every == 0 || step + 1 == o.steps || out_of_time))
      o.on_progress({step + 1, o.steps, value, lr, elapsed()});
    if (out_of_time) {
      report.stopped_by_time = true;
      break;
    }
  }
  for (double v : recent) recent_loss_sum += v;
  report.final_loss = recent.empty() ? 0.0 : recent_loss_sum / static_cast<double>(recent.size());
  model.write_safetensors(o.out_dir / "model.safetensors");
  report.seconds = elapsed();
  return report;
}

}  // namespace rbench::runtime
