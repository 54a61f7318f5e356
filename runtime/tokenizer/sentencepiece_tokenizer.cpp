// SentencePiece models (the Llama-2 tokenizer of ArchScale's checkpoints) through libsentencepiece: encoding is
// the library's own. Decoding is done per piece so that streaming concatenates exactly: "▁" becomes a space,
// <0xNN> byte pieces become their byte, control pieces (<s>, </s>) vanish, the unknown piece reads " ⁇ ", and the
// space that the dummy prefix put before the first piece is dropped, as the library's decoder does.
#include <sentencepiece_processor.h>

#include <stdexcept>

#include "runtime/tokenizer/added_tokens.h"
#include "runtime/tokenizer/loaders.h"

namespace rbench::runtime::tokenizer {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";      // U+2581, SentencePiece's visible space
constexpr std::string_view kUnknownSurface = " \xE2\x81\x87 ";  // U+2047 between spaces, the library default

class SentencePieceTokenizer final : public Tokenizer {
 public:
  explicit SentencePieceTokenizer(const std::filesystem::path& path) : where_(path.string()) {
    const auto status = processor_.Load(path.string());
    if (!status.ok()) throw std::runtime_error(where_ + ": not a SentencePiece model (" + status.ToString() + ")");
    std::vector<AddedToken> controls;
    for (int id = 0; id < processor_.GetPieceSize(); ++id) {
      if (processor_.IsControl(id)) controls.push_back({id, processor_.IdToPiece(id)});
    }
    controls_ = AddedTokens(std::move(controls));
  }

  std::vector<int32_t> encode(std::string_view text, bool allow_special) const override {
    std::vector<int32_t> ids;
    if (!allow_special || controls_.empty()) {
      encode_segment(text, ids);
      return ids;
    }
    AddedTokens::Scanner scanner(controls_, text);
    std::size_t pos = 0;
    while (const auto match = scanner.next(pos)) {
      encode_segment(text.substr(pos, match->start - pos), ids);
      ids.push_back(match->token->id);
      pos = match->end;
    }
    encode_segment(text.substr(pos), ids);
    return ids;
  }

  std::optional<int32_t> token_id(std::string_view token) const override {
    const int id = processor_.PieceToId(token);
    if (id < 0 || processor_.IdToPiece(id) != token) return std::nullopt;
    return id;
  }

  int32_t vocab_size() const override { return processor_.GetPieceSize(); }

  bool is_special(int32_t id) const override { return in_range(id) && processor_.IsControl(id); }

  void append_token_bytes(std::string& out, int32_t id, bool first, bool) const override {
    if (!in_range(id)) {
      throw std::out_of_range("token id " + std::to_string(id) + " has no token in " + description() +
                              " (vocab size " + std::to_string(vocab_size()) + ")");
    }
    if (processor_.IsControl(id)) return;
    if (processor_.IsUnknown(id)) {
      out += kUnknownSurface;
      return;
    }
    const std::string& piece = processor_.IdToPiece(id);
    if (processor_.IsByte(id)) {  // "<0xNN>"
      out.push_back(static_cast<char>(std::stoi(piece.substr(3, 2), nullptr, 16)));
      return;
    }
    std::string_view rest = piece;
    if (first && rest.starts_with(kSpaceSymbol)) rest.remove_prefix(kSpaceSymbol.size());
    for (std::size_t pos = 0; pos < rest.size();) {
      if (rest.substr(pos).starts_with(kSpaceSymbol)) {
        out.push_back(' ');
        pos += kSpaceSymbol.size();
      } else {
        out.push_back(rest[pos++]);
      }
    }
  }

  std::string description() const override { return "SentencePiece model " + where_; }

 private:
  bool in_range(int32_t id) const { return id >= 0 && id < processor_.GetPieceSize(); }

  void encode_segment(std::string_view text, std::vector<int32_t>& ids) const {
    if (text.empty()) return;
    std::vector<int> piece_ids;
    const auto status = processor_.Encode(text, &piece_ids);
    if (!status.ok()) throw std::runtime_error(description() + ": encode failed (" + status.ToString() + ")");
    ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
  }

  std::string where_;
  sentencepiece::SentencePieceProcessor processor_;
  AddedTokens controls_;
};

}  // namespace

std::unique_ptr<Tokenizer> load_sentencepiece_model(const std::filesystem::path& path) {
  return std::make_unique<SentencePieceTokenizer>(path);
}

}  // namespace rbench::runtime::tokenizer
