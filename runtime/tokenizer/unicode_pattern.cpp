// Rewriting a split pattern so PCRE2 sees Unicode 16's letters, marks and numbers and Unicode's exact white space
// (see unicode_additions.h). A small scanner tracks escapes and bracket classes: inside a class the additions are
// appended to it, outside one \p{X} becomes a class of its own.
#include <algorithm>
#include <cstdio>
#include <map>

#include "runtime/tokenizer/unicode_additions.h"

namespace rbench::runtime::tokenizer {
namespace {

std::string class_items(const std::vector<CodePointRange>& ranges) {
  std::string out;
  char buffer[32];
  for (const auto& r : ranges) {
    if (r.first == r.last) {
      std::snprintf(buffer, sizeof(buffer), "\\x{%X}", static_cast<unsigned>(r.first));
    } else {
      std::snprintf(buffer, sizeof(buffer), "\\x{%X}-\\x{%X}", static_cast<unsigned>(r.first),
                    static_cast<unsigned>(r.last));
    }
    out += buffer;
  }
  return out;
}

// Class items to add for a property name: a category ("Lo") or a group of them ("L", "M", "N").
std::string additions_for(const std::string& name) {
  static const std::map<std::string, std::string> kByName = [] {
    std::map<std::string, std::string> by_name;
    for (const auto& c : unicode_category_additions()) {
      const std::string items = class_items(c.ranges);
      by_name[c.category] += items;
      by_name[std::string(1, c.category[0])] += items;  // the group: L, M or N
    }
    return by_name;
  }();
  const auto it = kByName.find(name);
  return it == kByName.end() ? std::string() : it->second;
}

// Copies an escape starting at pattern[i] ('\\'); returns the index after it. \x{..}, \p{..}, \P{..} and \N{..}
// run to their closing brace.
std::size_t copy_escape(std::string_view pattern, std::size_t i, std::string& out) {
  std::size_t end = std::min(i + 2, pattern.size());
  if (end < pattern.size() && pattern[end] == '{') {
    const std::size_t close = pattern.find('}', end);
    end = close == std::string_view::npos ? pattern.size() : close + 1;
  }
  out.append(pattern.substr(i, end - i));
  return end;
}

// All added code points plus U+180E, sorted and merged: the ones where PCRE2's tables give another answer.
std::vector<CodePointRange> disputed_code_points() {
  std::vector<CodePointRange> all = {{0x180E, 0x180E}};
  for (const auto& c : unicode_category_additions()) all.insert(all.end(), c.ranges.begin(), c.ranges.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CodePointRange> merged;
  for (const auto& r : all) {
    if (!merged.empty() && r.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

}  // namespace

bool needs_unicode_additions(std::string_view text) {
  static const std::vector<CodePointRange> kDisputed = disputed_code_points();
  // Every disputed code point is at least U+0800, so it starts with a byte of 0xE0 or more.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0xE0) continue;
    const std::size_t length = lead >= 0xF0 ? 4 : 3;
    if (i + length > text.size()) break;
    char32_t cp = lead & (lead >= 0xF0 ? 0x07 : 0x0F);
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const auto it = std::upper_bound(kDisputed.begin(), kDisputed.end(), cp,
                                     [](char32_t value, const CodePointRange& r) { return value < r.first; });
    if (it != kDisputed.begin() && cp <= std::prev(it)->last) return true;
    i += length - 1;
  }
  return false;
}

std::string with_unicode_additions(std::string_view pattern) {
  const std::string white_space = class_items(white_space_code_points());
  std::string out;
  out.reserve(pattern.size() * 4);
  bool in_class = false;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[i + 1];
      if (e == 'p' && i + 2 < pattern.size() && pattern[i + 2] == '{') {
        const std::size_t close = pattern.find('}', i + 3);
        if (close != std::string_view::npos) {
          const std::string original(pattern.substr(i, close + 1 - i));
          const std::string extra = additions_for(std::string(pattern.substr(i + 3, close - i - 3)));
          out += extra.empty() ? original : in_class ? original + extra : "[" + original + extra + "]";
          i = close + 1;
          continue;
        }
      }
      if (e == 's') {
        out += in_class ? white_space : "[" + white_space + "]";
        i += 2;
        continue;
      }
      if (e == 'S' && !in_class) {
        out += "[^" + white_space + "]";
        i += 2;
        continue;
      }
      i = copy_escape(pattern, i, out);
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      ++i;
      if (i < pattern.size() && pattern[i] == '^') out += pattern[i++];
      if (i < pattern.size() && pattern[i] == ']') out += pattern[i++];  // a leading ']' is literal
      continue;
    }
    if (in_class && c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {  // POSIX [:name:]
      const std::size_t close = pattern.find(":]", i + 2);
      const std::size_t end = close == std::string_view::npos ? pattern.size() : close + 2;
      out.append(pattern.substr(i, end - i));
      i = end;
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
    ++i;
  }
  return out;
}

}  // namespace rbench::runtime::tokenizer
