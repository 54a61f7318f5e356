// Engine: loads model, tokenizer, chat template and stop ids once; runs requests one after another (batched
// decode is issue 7's scheduler work), turning any failure inside a request into an error Completion.
#include "runtime/engine.h"

#include <openssl/evp.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "runtime/model/safetensors.h"
#include "runtime/model/tensor_source.h"
#include "runtime/models/registry.h"
#include "runtime/scheduler/generation.h"

namespace rbench::runtime {

namespace {

std::string sha256_of_files(const std::vector<std::filesystem::path>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& f : files) {
    MappedFile mapped(f);
    EVP_DigestUpdate(ctx, mapped.data(), mapped.size());
  }
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::vector<int32_t> read_ids(const nlohmann::json& value) {
  std::vector<int32_t> ids;
  if (value.is_number_integer()) ids.push_back(value.get<int32_t>());
  else if (value.is_array())
    for (const auto& v : value) ids.push_back(v.get<int32_t>());
  return ids;
}

// generation_config.json's eos_token_id, else config.json's.
std::vector<int32_t> stop_ids(const std::filesystem::path& dir) {
  for (const char* name : {"generation_config.json", "config.json"}) {
    std::ifstream in(dir / name);
    if (!in) continue;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("eos_token_id")) return read_ids(j["eos_token_id"]);
  }
  return {};
}

}  // namespace

struct Engine::Impl {
  EngineOptions options;
  std::unique_ptr<Model> model;
  std::unique_ptr<Tokenizer> tokenizer;
  std::optional<ChatTemplate> chat_template;
  std::vector<int32_t> eos_ids;
  ModelInfo info;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::open(const EngineOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const auto& dir = options.model_dir;
  impl->model = load_model(dir, options.device);
  impl->tokenizer = load_tokenizer(dir);
  impl->chat_template = ChatTemplate::for_model(dir, options.chat_template);
  impl->eos_ids = stop_ids(dir);
  std::ifstream config(dir / "config.json");
  const auto j = nlohmann::json::parse(config);
  impl->info.architecture = j.value("model_type", "");
  impl->info.config_sha256 = sha256_of_files({dir / "config.json"});
  impl->info.weights_sha256 = sha256_of_files(CheckpointSource(dir).files());
  impl->info.n_params = impl->model->n_params();
  impl->info.dtype = impl->model->dtype_name();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const ModelInfo& Engine::info() const { return impl_->info; }

std::vector<int32_t> Engine::prompt_ids(const GenerationRequest& request) const {
  if (request.messages.empty()) return request.prompt_ids;
  const std::string text = impl_->chat_template->render(request.messages, true);
  return impl_->tokenizer->encode(text, true);
}

void Engine::generate(std::vector<GenerationRequest> requests, const std::function<void(Completion)>& on_done,
                      const std::function<void(uint64_t id, std::string_view piece)>& on_piece) {
  for (auto& request : requests) {
    Completion c;
    c.id = request.id;
    try {
      const std::vector<int32_t> prompt = prompt_ids(request);
      if (prompt.empty()) throw std::runtime_error("empty prompt");
      c.n_prompt_tokens = static_cast<int32_t>(prompt.size());
      IncrementalDecoder decoder(*impl_->tokenizer, true);
      std::function<void(std::string_view)> stream;
      if (on_piece) stream = [&](std::string_view piece) { on_piece(request.id, piece); };
      GenerationLimits limits{impl_->eos_ids, impl_->options.prefill_chunk, impl_->tokenizer->vocab_size()};
      GenerationOutcome out = run_generation(*impl_->model, prompt, request.sampling, limits,
                                             [&](int32_t id) { return decoder.push(id); }, stream);
      if (out.finish_reason == FinishReason::length) {
        const std::string tail = decoder.flush();
        out.text += tail;
        if (stream && !tail.empty()) stream(tail);
      }
      c.tokens = std::move(out.tokens);
      c.text = std::move(out.text);
      c.finish_reason = out.finish_reason;
      c.prefill_seconds = out.prefill_seconds;
      c.decode_seconds = out.decode_seconds;
    } catch (const std::exception& e) {
      c.finish_reason = FinishReason::error;
      c.error = e.what();
    }
    on_done(std::move(c));
  }
}

}  // namespace rbench::runtime
