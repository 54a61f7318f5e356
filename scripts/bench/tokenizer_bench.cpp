// Encode-throughput benchmark of rbench's tokenizers (not a test): encodes every problem / solution / answer text
// of the benchmark .jsonl files in a data folder, single-threaded, several times, and prints the best pass in MB/s
// as one JSON line. With --serve it runs one pass per line read on stdin and answers each with a JSON line, so
// scripts/bench/tokenizer_bench.py can interleave its passes with tiktoken's and Hugging Face's on a busy machine.
//
// usage: tokenizer_bench --tokenizer PATH --data DIR [--passes N] [--special] [--serve]
#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"

namespace {

std::vector<std::string> corpus_texts(const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      const auto row = nlohmann::json::parse(line);
      for (const char* key : {"problem", "solution", "answer"}) {
        if (row.contains(key) && row[key].is_string()) texts.push_back(row[key].get<std::string>());
      }
    }
  }
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path tokenizer_path, data_dir;
  int passes = 5;
  bool special = false;
  bool serve = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tokenizer" && i + 1 < argc) tokenizer_path = argv[++i];
    else if (arg == "--data" && i + 1 < argc) data_dir = argv[++i];
    else if (arg == "--passes" && i + 1 < argc) passes = std::stoi(argv[++i]);
    else if (arg == "--special") special = true;
    else if (arg == "--serve") serve = true;
    else {
      std::cerr << "usage: tokenizer_bench --tokenizer PATH --data DIR [--passes N] [--special]\n";
      return 2;
    }
  }
  if (tokenizer_path.empty() || data_dir.empty()) {
    std::cerr << "usage: tokenizer_bench --tokenizer PATH --data DIR [--passes N] [--special]\n";
    return 2;
  }
  try {
    const auto load_start = std::chrono::steady_clock::now();
    const auto tokenizer = rbench::runtime::load_tokenizer(tokenizer_path);
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    const auto texts = corpus_texts(data_dir);
    std::size_t bytes = 0;
    for (const auto& t : texts) bytes += t.size();
    std::size_t n_tokens = 0;
    auto one_pass = [&] {
      n_tokens = 0;
      const auto start = std::chrono::steady_clock::now();
      for (const auto& t : texts) n_tokens += tokenizer->encode(t, special).size();
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if (serve) {
      std::string request;
      std::cout << nlohmann::json{{"ready", true}, {"load_seconds", load_s}, {"bytes", bytes}}.dump() << std::endl;
      while (std::getline(std::cin, request)) {
        const double seconds = one_pass();
        std::cout << nlohmann::json{{"seconds", seconds}, {"tokens", n_tokens}}.dump() << std::endl;
      }
      return 0;
    }
    double best_s = 1e30;
    for (int pass = 0; pass < passes; ++pass) best_s = std::min(best_s, one_pass());
    nlohmann::json result = {{"impl", "rbench"},          {"tokenizer", tokenizer_path.string()},
                             {"texts", texts.size()},     {"bytes", bytes},
                             {"tokens", n_tokens},        {"best_seconds", best_s},
                             {"mb_per_s", bytes / best_s / 1e6}, {"load_seconds", load_s}};
    std::cout << result.dump() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "tokenizer_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
