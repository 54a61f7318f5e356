// See context_fit.h. Only the first sample of each problem is rendered: samples differ only in the option order
// (GPQA), which does not change the prompt's length by more than a token or two.
#include "evaluator/cli/context_fit.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"

namespace rbench::cli {

namespace {

std::optional<int64_t> context_of(const std::filesystem::path& model_dir) {
  std::ifstream in(model_dir / "config.json");
  if (!in) return std::nullopt;  // the engine reports a missing config.json with its own message
  auto config = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object() || !config.contains("max_position_embeddings") ||
      !config["max_position_embeddings"].is_number_integer())
    return std::nullopt;
  return config["max_position_embeddings"].get<int64_t>();
}

}  // namespace

void check_prompts_fit_context(const std::filesystem::path& model_dir, const std::optional<std::string>& chat_template,
                               const std::vector<tasks::Task>& tasks, std::optional<int> limit, int max_new_tokens) {
  const auto context = context_of(model_dir);
  if (!context) return;
  const std::string where = (model_dir / "config.json").string() + " max_position_embeddings = " +
                            std::to_string(*context);
  if (max_new_tokens >= *context)
    throw std::invalid_argument("--max-tokens " + std::to_string(max_new_tokens) +
                                " does not fit the model's context of " + std::to_string(*context) + " tokens (" +
                                where + "); pass --max-tokens below " + std::to_string(*context) +
                                " minus the prompt length");
  auto tokenizer = runtime::load_tokenizer(model_dir);
  auto chat = runtime::ChatTemplate::for_model(model_dir, chat_template);
  for (const auto& task : tasks) {
    std::size_t n = task.problems.size();
    if (limit) n = std::min<std::size_t>(std::max(0, *limit), n);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<runtime::ChatMessage> messages;
      for (const auto& m : task.prompt(i, 0).messages) messages.push_back({m.role, m.content});
      const auto n_prompt = static_cast<int64_t>(tokenizer->encode(chat.render(messages), true).size());
      if (n_prompt + max_new_tokens > *context)
        throw std::invalid_argument(
            "task " + task.name + " problem " + std::to_string(i) + " (id " + task.problems[i].id + "): its prompt of " +
            std::to_string(n_prompt) + " tokens plus --max-tokens " + std::to_string(max_new_tokens) +
            " exceeds the model's context of " + std::to_string(*context) + " tokens (" + where +
            "); lower --max-tokens to at most " + std::to_string(std::max<int64_t>(0, *context - n_prompt)) +
            (n_prompt >= *context ? ", or use a model with a longer context (the prompt alone does not fit)" : "") +
            "; nothing was written");
    }
  }
}

}  // namespace rbench::cli
