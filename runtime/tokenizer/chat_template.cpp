// Chat templates of the model families we run, written out in C++ because we do not execute Jinja. A model's
// family is recognised from distinctive markers in the `chat_template` string of its tokenizer_config.json:
//  - phi4-mini-reasoning: the fixed system preamble "Your name is Phi, an AI math expert developed by Microsoft.";
//  - phi4-flash: "<|user|>"-style role markers closed by "<|end|>", no preamble, and no newline after a role
//    marker (Phi-3's templates put one there, so they are not mistaken for it);
//  - plain: chosen only by name: the message contents separated by blank lines, no markers.
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "runtime/tokenizer.h"

namespace rbench::runtime {
namespace {

constexpr std::string_view kReasoningPreamble = "Your name is Phi, an AI math expert developed by Microsoft.";

void check_role(const ChatMessage& m, std::string_view template_name) {
  if (m.role != "system" && m.role != "user" && m.role != "assistant") {
    throw std::invalid_argument("chat template " + std::string(template_name) + ": unknown message role '" + m.role +
                                "' (expected system, user or assistant)");
  }
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The chat_template field: a string, or a list of {name, template} where "default" is the chat one.
std::string read_chat_template(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error(file.string() + ": cannot open (needed to pick the chat template; "
                             "choose one by name with --chat-template)");
  }
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(file.string() + ": invalid JSON (" + e.what() + ")");
  }
  const auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) {
    throw std::runtime_error(file.string() + ": no chat_template field (choose one by name with --chat-template)");
  }
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    for (const auto& entry : *it) {
      if (entry.value("name", "") == "default" && entry.contains("template")) return entry["template"].get<std::string>();
    }
  }
  throw std::runtime_error(file.string() + ": chat_template is neither a string nor a list with a 'default' entry");
}

}  // namespace

std::vector<std::string> ChatTemplate::known_names() { return {"phi4-flash", "phi4-mini-reasoning", "plain"}; }

ChatTemplate ChatTemplate::by_name(std::string_view name) {
  if (name == "phi4-flash") return ChatTemplate(Family::phi4_flash);
  if (name == "phi4-mini-reasoning") return ChatTemplate(Family::phi4_mini_reasoning);
  if (name == "plain") return ChatTemplate(Family::plain);
  std::string names;
  for (const auto& n : known_names()) names += (names.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown chat template '" + std::string(name) + "' (known: " + names + ")");
}

ChatTemplate ChatTemplate::for_model(const std::filesystem::path& model_dir, std::optional<std::string> name) {
  if (name) return by_name(*name);
  const std::filesystem::path file = model_dir / "tokenizer_config.json";
  const std::string text = read_chat_template(file);
  if (contains(text, kReasoningPreamble)) return ChatTemplate(Family::phi4_mini_reasoning);
  const bool phi_markers = contains(text, "<|end|>") && contains(text, "<|assistant|>") &&
                           (contains(text, "<|user|>") || (contains(text, "'<|' + ") && contains(text, " + '|>'")));
  const bool newline_after_role = contains(text, "|>\\n") || contains(text, "|>' + '\\n'") || contains(text, "|>\n");
  if (phi_markers && !newline_after_role) return ChatTemplate(Family::phi4_flash);
  std::string names;
  for (const auto& n : known_names()) names += (names.empty() ? "" : ", ") + n;
  throw std::runtime_error(file.string() + ": chat_template is not one we know (starts '" + text.substr(0, 80) +
                           "...'); choose one by name with --chat-template (" + names + ")");
}

std::string ChatTemplate::name() const {
  switch (family_) {
    case Family::phi4_flash: return "phi4-flash";
    case Family::phi4_mini_reasoning: return "phi4-mini-reasoning";
    case Family::plain: return "plain";
  }
  return "plain";
}

std::string ChatTemplate::render(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
  std::string out;
  const std::string template_name = name();
  if (family_ == Family::plain) {
    for (const auto& m : messages) {
      check_role(m, template_name);
      if (!out.empty()) out += "\n\n";
      out += m.content;
    }
    return out;
  }
  if (family_ == Family::phi4_mini_reasoning) {
    // The preamble always opens the prompt; system messages are appended to it after a space.
    out += "<|system|>";
    out += kReasoningPreamble;
    for (const auto& m : messages) {
      if (m.role == "system") out += " " + m.content;
    }
    out += "<|end|>";
  }
  for (const auto& m : messages) {
    check_role(m, template_name);
    if (family_ == Family::phi4_mini_reasoning && m.role == "system") continue;
    out += "<|" + m.role + "|>" + m.content + "<|end|>";
  }
  out += add_generation_prompt ? "<|assistant|>" : "<|endoftext|>";
  return out;
}

}  // namespace rbench::runtime
