// Chat templates: the exact prompts of the model cards, the ids they encode to, detection of the family from
// tokenizer_config.json, and clear errors (naming the file) for templates we do not know.
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

const std::vector<ChatMessage> kCardQuestion = {{"user", "How to solve 3*x^2+4*x+5=1?"}};

std::filesystem::path dir_with_template(const std::string& name, const nlohmann::json& chat_template) {
  const auto dir = test::scratch_dir(name);
  std::ofstream(dir / "tokenizer_config.json") << nlohmann::json{{"chat_template", chat_template}}.dump();
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(TokenizerChatTemplate, Phi4FlashRendersTheCardPrompt) {
  const auto t = ChatTemplate::by_name("phi4-flash");
  EXPECT_EQ(t.render(kCardQuestion), "<|user|>How to solve 3*x^2+4*x+5=1?<|end|><|assistant|>");
  EXPECT_EQ(t.render(kCardQuestion, false), "<|user|>How to solve 3*x^2+4*x+5=1?<|end|><|endoftext|>");
  const std::vector<ChatMessage> with_system = {{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello"}};
  EXPECT_EQ(t.render(with_system), "<|system|>Be brief.<|end|><|user|>Hi<|end|><|assistant|>Hello<|end|><|assistant|>");
}

TEST(TokenizerChatTemplate, Phi4MiniReasoningHasItsFixedPreamble) {
  const auto t = ChatTemplate::by_name("phi4-mini-reasoning");
  EXPECT_EQ(t.render(kCardQuestion),
            "<|system|>Your name is Phi, an AI math expert developed by Microsoft.<|end|>"
            "<|user|>How to solve 3*x^2+4*x+5=1?<|end|><|assistant|>");
  const std::vector<ChatMessage> with_system = {{"system", "Think."}, {"user", "Q"}};
  EXPECT_EQ(t.render(with_system),
            "<|system|>Your name is Phi, an AI math expert developed by Microsoft. Think.<|end|><|user|>Q<|end|>"
            "<|assistant|>");
}

TEST(TokenizerChatTemplate, PlainJoinsContents) {
  const std::vector<ChatMessage> messages = {{"user", "first"}, {"assistant", "second"}};
  EXPECT_EQ(ChatTemplate::by_name("plain").render(messages), "first\n\nsecond");
  EXPECT_THROW((void)ChatTemplate::by_name("plain").render(std::vector<ChatMessage>{{"robot", "x"}}),
               std::invalid_argument);
}

TEST(TokenizerChatTemplate, RenderedPromptEncodesToTheCardIds) {
  const auto dir = test::scratch_dir("chat_ids");
  write_tiny_tokenizer(dir, "How to solve equations? Solve 3*x^2+4*x+5=1 and x^2=4.", 40);
  const auto tokenizer = load_tokenizer(dir);
  const auto t = ChatTemplate::for_model(dir);
  EXPECT_EQ(t.name(), "phi4-flash");
  std::vector<int32_t> want = {*tokenizer->token_id("<|user|>")};
  for (const int32_t id : tokenizer->encode(kCardQuestion[0].content)) want.push_back(id);
  want.push_back(*tokenizer->token_id("<|end|>"));
  want.push_back(*tokenizer->token_id("<|assistant|>"));
  EXPECT_EQ(tokenizer->encode(t.render(kCardQuestion), true), want);
}

TEST(TokenizerChatTemplate, DetectsFamiliesFromTheirMarkers) {
  const auto reasoning = dir_with_template(
      "reasoning", "{{ '<|system|>Your name is Phi, an AI math expert developed by Microsoft.' }}{% for m in messages %}"
                   "{{ '<|' + m['role'] + '|>' + m['content'] + '<|end|>' }}{% endfor %}{{ '<|assistant|>' }}");
  EXPECT_EQ(ChatTemplate::for_model(reasoning).name(), "phi4-mini-reasoning");
  const auto listed = dir_with_template(
      "listed", nlohmann::json::array({{{"name", "default"},
                                        {"template", "{% for m in messages %}{{ '<|' + m['role'] + '|>' + "
                                                     "m['content'] + '<|end|>' }}{% endfor %}<|assistant|>"}}}));
  EXPECT_EQ(ChatTemplate::for_model(listed).name(), "phi4-flash");
  EXPECT_EQ(ChatTemplate::for_model(reasoning, "plain").name(), "plain");  // the flag wins over detection
}

TEST(TokenizerChatTemplate, UnknownTemplatesFailNamingTheFile) {
  const auto chatml = dir_with_template("chatml", "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% endfor %}");
  const std::string message = error_of([&] { (void)ChatTemplate::for_model(chatml); });
  EXPECT_NE(message.find((chatml / "tokenizer_config.json").string()), std::string::npos) << message;
  EXPECT_NE(message.find("--chat-template"), std::string::npos) << message;
  // Phi-3's template puts a newline after each role marker: not the phi4-flash format.
  const auto phi3 = dir_with_template(
      "phi3", "{% for m in messages %}{{'<|' + m['role'] + '|>' + '\\n' + m['content'] + '<|end|>\\n'}}{% endfor %}"
              "<|assistant|>\\n");
  EXPECT_THROW((void)ChatTemplate::for_model(phi3), std::runtime_error);
  const auto missing = test::scratch_dir("no_config");
  const std::string missing_message = error_of([&] { (void)ChatTemplate::for_model(missing); });
  EXPECT_NE(missing_message.find("tokenizer_config.json"), std::string::npos) << missing_message;
  const std::string by_name = error_of([] { (void)ChatTemplate::by_name("llama3"); });
  EXPECT_NE(by_name.find("phi4-flash"), std::string::npos) << by_name;
}

}  // namespace
}  // namespace rbench::runtime
