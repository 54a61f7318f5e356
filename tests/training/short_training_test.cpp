// A shorter training run of the default model's recipe (2-digit addition only, 250 steps of 32, 1 thread: 52 s on
// the 2-core dev VM under load 5) must reach a stated accuracy (0.7) when its checkpoint is decoded by the engine,
// i.e. through the runtime's prefill and stepwise decode, not the training forward. If the two forwards disagreed
// anywhere (masks, Mamba recurrence, GMU, differential attention, the chat template or the loss mask), greedy
// answers would be wrong.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "runtime/engine.h"
#include "runtime/training.h"
#include "tasks/arith.h"
#include "tasks/prompts.h"
#include "tests/training/temp_dir.h"

namespace {

using namespace rbench;


std::vector<runtime::TrainingExample> to_runtime(std::vector<tasks::ArithExample> examples) {
  std::vector<runtime::TrainingExample> out;
  for (auto& e : examples) {
    runtime::TrainingExample t;
    for (auto& m : e.prompt) t.prompt.push_back({m.role, m.content});
    t.completion = std::move(e.completion);
    out.push_back(std::move(t));
  }
  return out;
}

std::string boxed(const std::string& text) {
  const auto open = text.rfind("\\boxed{");
  if (open == std::string::npos) return "";
  const auto close = text.find('}', open);
  return close == std::string::npos ? "" : text.substr(open + 7, close - open - 7);
}

TEST(TrainingShortRun, TwoDigitAdditionThroughTheDecodePath) {
  tasks::ArithMix mix;
  mix.kinds = {tasks::ArithKind::add};
  mix.max_digits = 2;
  runtime::TrainOptions o;
  o.out_dir = rbench::training_test::temp_dir("short_run");
  o.seed = 0;
  o.steps = 250;
  o.batch_size = 32;
  o.warmup_steps = 10;
  o.lr = 4e-3;
  o.hidden = 64;
  o.intermediate = 128;
  o.mamba_d_state = 4;
  o.n_heads = 4;
  o.n_kv_heads = 2;
  o.threads = 1;  // tiny ops: a second thread costs more in synchronisation than it gains, and far more on a busy machine
  const auto report = runtime::train_tiny_sambay(o, to_runtime(tasks::arith_training_examples(o.seed, 250 * 32, mix)));
  EXPECT_EQ(report.steps, 250);
  EXPECT_LT(report.final_loss, 0.25 * report.first_loss) << "first " << report.first_loss << " final " << report.final_loss;
  for (const char* file : {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                           "tokenizer_config.json"})
    EXPECT_TRUE(std::filesystem::exists(o.out_dir / file)) << file;

  // 40 held-out problems, greedy, through the engine.
  const auto problems = tasks::arith_problems(99, 40, /*held_out=*/true, mix);
  auto engine = runtime::Engine::open({o.out_dir});
  std::vector<runtime::GenerationRequest> requests;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    runtime::GenerationRequest r;
    r.id = i;
    for (const auto& m : tasks::math_prompt({problems[i].key(), problems[i].question(), problems[i].answer(), {}}).messages)
      r.messages.push_back({m.role, m.content});
    r.sampling.max_new_tokens = 64;
    requests.push_back(r);
  }
  int correct = 0;
  std::map<uint64_t, std::string> wrong;
  engine->generate(requests, [&](runtime::Completion c) {
    ASSERT_NE(c.finish_reason, runtime::FinishReason::error) << c.error;
    if (boxed(c.text) == problems[c.id].answer()) ++correct;
    else wrong[c.id] = c.text;
  });
  const double accuracy = correct / static_cast<double>(problems.size());
  std::string examples;
  for (auto& [id, text] : wrong)
    if (examples.size() < 600) examples += "\n" + problems[id].question() + " -> " + text;
  std::cout << "greedy accuracy " << correct << "/" << problems.size() << "\n";
  EXPECT_GE(accuracy, 0.7) << "greedy accuracy " << accuracy << "; wrong:" << examples;
}

}  // namespace
