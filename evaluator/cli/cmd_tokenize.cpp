// rbench tokenize: JSON lines {"text": ...} on stdin -> {"ids": [...]} on stdout, one line out per line in, in
// order. --specials lets added tokens written in the text (e.g. "<|end|>") become their ids. With --chat, input
// lines are {"messages": [{"role", "content"}, ...]} rendered with the model's chat template (detected from
// tokenizer_config.json next to the tokenizer, or named with --chat-template) and encoded with specials.
#include <cxxopts.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "evaluator/cli/commands.h"
#include "runtime/tokenizer.h"

namespace rbench::cli {
namespace {

std::filesystem::path model_dir_of(const std::filesystem::path& tokenizer_path) {
  return std::filesystem::is_directory(tokenizer_path) ? tokenizer_path : tokenizer_path.parent_path();
}

std::vector<runtime::ChatMessage> read_messages(const nlohmann::json& row, std::size_t line_number) {
  const auto it = row.find("messages");
  if (it == row.end() || !it->is_array()) {
    throw std::runtime_error("stdin line " + std::to_string(line_number) + ": expected {\"messages\": [...]}");
  }
  std::vector<runtime::ChatMessage> messages;
  for (const auto& m : *it) {
    if (!m.is_object() || !m.contains("role") || !m.contains("content") || !m["role"].is_string() ||
        !m["content"].is_string()) {
      throw std::runtime_error("stdin line " + std::to_string(line_number) +
                               ": each message needs string fields role and content");
    }
    messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
  }
  return messages;
}

}  // namespace

int cmd_tokenize(const Args& args) {
  cxxopts::Options options("rbench tokenize", "JSON lines {\"text\"} on stdin -> {\"ids\"} on stdout");
  options.add_options()
      ("tokenizer", "tokenizer.json, <encoding>.tiktoken, SentencePiece .model, or a model directory",
       cxxopts::value<std::string>())
      ("specials", "turn added/special tokens written in the text into their ids")
      ("chat", "input lines are {\"messages\": [...]}, rendered with the chat template")
      ("chat-template", "chat template by name (phi4-flash, phi4-mini-reasoning, plain) instead of detection",
       cxxopts::value<std::string>())
      ("h,help", "show this help");
  ArgvView argv("rbench tokenize", args);
  cxxopts::ParseResult parsed;
  try {
    parsed = options.parse(argv.argc(), argv.argv());
  } catch (const std::exception& e) {
    std::cerr << "rbench tokenize: " << e.what() << "\n" << options.help();
    return 2;
  }
  if (parsed.count("help")) {
    std::cout << options.help();
    return 0;
  }
  if (!parsed.count("tokenizer")) {
    std::cerr << "rbench tokenize: --tokenizer PATH is required\n" << options.help();
    return 2;
  }
  const std::filesystem::path tokenizer_path = parsed["tokenizer"].as<std::string>();
  const auto tokenizer = runtime::load_tokenizer(tokenizer_path);
  const bool chat = parsed.count("chat") > 0;
  std::optional<runtime::ChatTemplate> chat_template;
  if (chat) {
    std::optional<std::string> name;
    if (parsed.count("chat-template")) name = parsed["chat-template"].as<std::string>();
    chat_template = runtime::ChatTemplate::for_model(model_dir_of(tokenizer_path), name);
  }
  const bool specials = parsed.count("specials") > 0 || chat;

  std::string line;
  std::size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    nlohmann::json row;
    try {
      row = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::runtime_error("stdin line " + std::to_string(line_number) + ": invalid JSON (" + e.what() + ")");
    }
    std::string text;
    if (chat) {
      const auto messages = read_messages(row, line_number);
      text = chat_template->render(messages);
    } else {
      if (!row.is_object() || !row.contains("text") || !row["text"].is_string()) {
        throw std::runtime_error("stdin line " + std::to_string(line_number) + ": expected {\"text\": \"...\"}");
      }
      text = row["text"].get<std::string>();
    }
    std::cout << nlohmann::json{{"ids", tokenizer->encode(text, specials)}}.dump() << "\n";
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace rbench::cli
