// load_tokenizer(): chooses the reader from the path. A directory is a model checkpoint: its tokenizer.json is
// preferred (it carries the special tokens), then tokenizer.model, then a single *.tiktoken file.
#include <stdexcept>

#include "runtime/tokenizer/loaders.h"

namespace rbench::runtime {

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) {
    if (fs::exists(path / "tokenizer.json")) return tokenizer::load_tokenizer_json(path / "tokenizer.json");
    if (fs::exists(path / "tokenizer.model")) return tokenizer::load_sentencepiece_model(path / "tokenizer.model");
    std::vector<fs::path> rank_files;
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == ".tiktoken") rank_files.push_back(entry.path());
    }
    if (rank_files.size() == 1) return tokenizer::load_tiktoken_file(rank_files[0]);
    throw std::runtime_error(path.string() + ": no tokenizer.json, tokenizer.model or single *.tiktoken file in " +
                             "this model directory");
  }
  if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such tokenizer file or model directory");
  const std::string extension = path.extension().string();
  if (extension == ".tiktoken") return tokenizer::load_tiktoken_file(path);
  if (extension == ".json") return tokenizer::load_tokenizer_json(path);
  if (extension == ".model") return tokenizer::load_sentencepiece_model(path);
  throw std::runtime_error(path.string() + ": unknown tokenizer file type '" + extension +
                           "' (expected tokenizer.json, <encoding>.tiktoken or a SentencePiece .model)");
}

}  // namespace rbench::runtime
