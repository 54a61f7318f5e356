// rbench detokenize: JSON lines {"ids": [...]} on stdin -> {"text": ...} on stdout, one line out per line in, in
// order. The text is valid UTF-8 (bytes that do not form characters become U+FFFD); --skip-special leaves out
// special tokens such as <|end|>.
#include <cxxopts.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "evaluator/cli/commands.h"
#include "runtime/tokenizer.h"

namespace rbench::cli {

int cmd_detokenize(const Args& args) {
  cxxopts::Options options("rbench detokenize", "JSON lines {\"ids\"} on stdin -> {\"text\"} on stdout");
  options.add_options()
      ("tokenizer", "tokenizer.json, <encoding>.tiktoken, SentencePiece .model, or a model directory",
       cxxopts::value<std::string>())
      ("skip-special", "leave special tokens out of the text")
      ("h,help", "show this help");
  ArgvView argv("rbench detokenize", args);
  cxxopts::ParseResult parsed;
  try {
    parsed = options.parse(argv.argc(), argv.argv());
  } catch (const std::exception& e) {
    std::cerr << "rbench detokenize: " << e.what() << "\n" << options.help();
    return 2;
  }
  if (parsed.count("help")) {
    std::cout << options.help();
    return 0;
  }
  if (!parsed.count("tokenizer")) {
    std::cerr << "rbench detokenize: --tokenizer PATH is required\n" << options.help();
    return 2;
  }
  const auto tokenizer = runtime::load_tokenizer(parsed["tokenizer"].as<std::string>());
  const bool skip_special = parsed.count("skip-special") > 0;

  std::string line;
  std::size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    const std::string where = "stdin line " + std::to_string(line_number);
    nlohmann::json row;
    try {
      row = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::runtime_error(where + ": invalid JSON (" + e.what() + ")");
    }
    if (!row.is_object() || !row.contains("ids") || !row["ids"].is_array()) {
      throw std::runtime_error(where + ": expected {\"ids\": [...]}");
    }
    std::vector<int32_t> ids;
    for (const auto& id : row["ids"]) {
      if (!id.is_number_integer()) throw std::runtime_error(where + ": id " + id.dump() + " is not an integer");
      ids.push_back(id.get<int32_t>());
    }
    try {
      std::cout << nlohmann::json{{"text", tokenizer->decode(ids, skip_special)}}.dump() << "\n";
    } catch (const std::out_of_range& e) {
      throw std::runtime_error(where + ": " + e.what());
    }
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace rbench::cli
