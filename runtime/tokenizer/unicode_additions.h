// Unicode data newer than the PCRE2 we link. Debian 12's PCRE2 10.42 classifies code points by Unicode 14.0;
// tiktoken and Hugging Face tokenizers use Unicode 16, where 9,485 more code points are letters, marks or numbers
// (CJK Extensions H and I, Kawi, Todhri, ...), and PCRE2's \s also accepts U+180E, which Unicode no longer counts
// as white space. Splitting text that holds them would differ from the references. Before compiling a split
// pattern we therefore spell its \p{...} and \s classes out with these code points added (a code point PCRE2
// already knows is merely listed twice). The extended pattern matches several times slower, so it is used only for
// texts that hold such a code point. The tables are generated from tiktoken by
// scripts/reference/tokenizer_unicode_additions.py.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rbench::runtime::tokenizer {

struct CodePointRange {
  char32_t first, last;
};

struct CategoryAdditions {
  const char* category;  // a two-letter general category: "Lu", "Lo", "Mn", "Nd", ...
  std::vector<CodePointRange> ranges;
};

const std::vector<CategoryAdditions>& unicode_category_additions();
const std::vector<CodePointRange>& white_space_code_points();

// The pattern with \p{X} (X a letter / mark / number category or group), \s and \S written as explicit classes
// that include the additions. Other syntax passes through unchanged.
std::string with_unicode_additions(std::string_view pattern);

// True when text holds a code point on which PCRE2's own tables and the additions disagree (a letter / mark /
// number PCRE2 does not know, or U+180E): only such texts need the extended pattern.
bool needs_unicode_additions(std::string_view text);

}  // namespace rbench::runtime::tokenizer
