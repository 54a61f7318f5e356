// Canonical printing of parsed math answers (see canonical_form.h).
#include "graders/math/canonical_form.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>
#include <sstream>
#include <vector>

#include <ginac/ginac.h>

#include "graders/math/answer_normalizer.h"
#include "graders/math/latex_parser.h"
#include "graders/math/latex_vocabulary.h"
#include "graders/math/symbolic.h"

namespace rbench::graders::math {
namespace {

constexpr int kFingerprintPoints = 4;

bool is_inequality(const std::string& op) { return op == "<" || op == "<=" || op == ">" || op == ">="; }

// A real value to kCanonicalDigits significant digits; "-0" prints as "0".
std::string print_real(double value) {
  if (value == 0.0) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", kCanonicalDigits, value);
  return buffer;
}

// A real value past double range (1/2004!, 10^{400}) as mantissa and decimal exponent, from its logarithm.
std::string print_scientific(const GiNaC::numeric& n) {
  const double log10_abs = GiNaC::ex_to<GiNaC::numeric>((GiNaC::log(GiNaC::abs(n)) / GiNaC::log(GiNaC::numeric(10))).evalf()).to_double();
  const double exponent = std::floor(log10_abs);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%s%.*ge%.0f", n.is_negative() ? "-" : "", kCanonicalDigits - 2,
                std::pow(10.0, log10_abs - exponent), exponent);
  return buffer;
}

// The value of a variable-free expression, or "?" where it has none (a pole, a domain error).
std::string print_value(const GiNaC::ex& e) {
  try {
    const GiNaC::ex value = e.evalf();
    if (!GiNaC::is_a<GiNaC::numeric>(value)) return "?";
    const GiNaC::numeric n = GiNaC::ex_to<GiNaC::numeric>(value);
    const double re = GiNaC::real(n).to_double();
    const double im = GiNaC::imag(n).to_double();
    if (!std::isfinite(re) || !std::isfinite(im) || (re == 0.0 && im == 0.0 && !n.is_zero())) {
      if (!n.is_real()) return "?";  // complex values past double range: none in real answers
      return print_scientific(n);
    }
    // A relative 1e-12 imaginary residue (from evaluating a real value through complex intermediates) is noise.
    if (std::abs(im) <= 1e-12 * std::max(1.0, std::abs(re))) return print_real(re);
    return print_real(re) + (im < 0 ? "" : "+") + print_real(im) + "i";
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    return "?";
  }
}

// Values at fixed points, rationals away from 0 and +-1 so that different expressions rarely agree.
GiNaC::numeric fingerprint_point(int point, int symbol_index) {
  static constexpr int kNumerators[] = {1237, 2971, 3803, 577, 4409, 6007, 911, 1601};
  const int n = kNumerators[(point * 3 + symbol_index) % 8] + 101 * symbol_index;
  return GiNaC::numeric(n, 1009) * (point % 2 == 0 ? 1 : -1) + GiNaC::numeric(point, 7);
}

// The values of e at the fixed points, the symbols taking the point's values in order.
std::vector<std::string> fingerprint(const GiNaC::ex& e, const std::vector<GiNaC::ex>& symbols) {
  std::vector<std::string> values;
  for (int point = 0; point < kFingerprintPoints; ++point) {
    GiNaC::exmap at;
    for (std::size_t i = 0; i < symbols.size(); ++i) at[symbols[i]] = fingerprint_point(point, static_cast<int>(i));
    const auto value = substitute_bounded(e, at);
    values.push_back(value ? print_value(*value) : "?");
  }
  return values;
}

std::string print_scalar(const Node& node) {
  SymbolicConverter converter;
  const GiNaC::ex e = converter.convert(node);
  if (converter.symbols().empty() || GiNaC::is_a<GiNaC::numeric>(e.evalf())) return print_value(e);
  // With variables: name the variables (sorted by name), then the values at the fixed points.
  std::string out = "f[";
  std::vector<GiNaC::ex> symbols;
  for (const auto& [name, symbol] : converter.symbols()) {
    if (!e.has(symbol)) continue;
    out += (symbols.empty() ? "" : ",") + name;
    symbols.push_back(symbol);
  }
  out += "]";
  std::vector<std::string> values = fingerprint(e, symbols);
  // The same value everywhere (\sin^2 x + \cos^2 x): the constant it is.
  if (std::all_of(values.begin(), values.end(), [&](const std::string& v) { return v == values.front() && v != "?"; }))
    return values.front();
  for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? ":" : ";") + values[i];
  return out;
}

// An equation other than "variable = value": its sides' difference scaled to 1 at the first point where it is
// nonzero, so proportional equations (2x = 4, x - 2 = 0, -x + 2 = 0) print the same, as the equivalence accepts.
std::string print_equation(const Node& left, const Node& right) {
  SymbolicConverter converter;
  const GiNaC::ex difference = converter.convert(left) - converter.convert(right);
  std::vector<GiNaC::ex> symbols;
  for (const auto& [name, symbol] : converter.symbols())
    if (difference.has(symbol)) symbols.push_back(symbol);
  std::string out = "eq[";
  for (std::size_t i = 0; i < symbols.size(); ++i) out += (i ? "," : "") + GiNaC::ex_to<GiNaC::symbol>(symbols[i]).get_name();
  out += "]";
  for (int point = 0; point < kFingerprintPoints; ++point) {
    GiNaC::exmap at;
    for (std::size_t i = 0; i < symbols.size(); ++i) at[symbols[i]] = fingerprint_point(point, static_cast<int>(i));
    const auto difference_at = substitute_bounded(difference, at);
    if (!difference_at) continue;
    const GiNaC::ex scale = difference_at->evalf();
    if (!GiNaC::is_a<GiNaC::numeric>(scale) || scale.is_zero()) continue;
    const std::vector<std::string> values = fingerprint(difference / scale, symbols);
    for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? ":" : ";") + values[i];
    return out;
  }
  return out + ":0";  // zero everywhere (0 = 0)
}

std::string canonical(const Node& node);

std::string joined(std::vector<std::string> items, bool sort, const std::string& open, const std::string& close) {
  if (sort) std::sort(items.begin(), items.end());
  std::string out = open;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + close;
}

// Items of a set, list or ± answer, with a top-level "a \pm b" item standing for its two values.
std::vector<std::string> item_forms(const Node& node) {
  std::vector<std::string> items;
  const std::vector<Node> sources = node.kind == NodeKind::PlusMinus ? std::vector<Node>{node} : node.children;
  for (const Node& item : sources) {
    if (item.kind == NodeKind::PlusMinus) {
      items.push_back(canonical(make(NodeKind::Add, {item.children[0], item.children[1]})));
      items.push_back(canonical(make(NodeKind::Add, {item.children[0], make(NodeKind::Neg, {item.children[1]})})));
    } else {
      items.push_back(canonical(item));
    }
  }
  return items;
}

std::string interval_form(bool left_closed, const std::string& low, const std::string& high, bool right_closed) {
  return std::string(left_closed ? "[" : "(") + low + "," + high + (right_closed ? "]" : ")");
}

// "x < 3" -> "(-inf,3)", "1 <= x < 2" -> "[1,2)": the interval the equivalence reads an inequality as.
std::optional<std::string> inequality_form(const Node& n) {
  for (const std::string& op : n.ops)
    if (!is_inequality(op)) return std::nullopt;
  if (n.ops.size() == 1) {
    const bool variable_left = n.children[0].kind == NodeKind::Symbol;
    if (variable_left == (n.children[1].kind == NodeKind::Symbol)) return std::nullopt;
    const std::string bound = canonical(n.children[variable_left ? 1 : 0]);
    const bool upper = (n.ops[0][0] == '<') == variable_left;
    const bool closed = n.ops[0].size() == 2;
    return upper ? interval_form(false, "-inf", bound, closed) : interval_form(closed, bound, "inf", false);
  }
  if (n.ops.size() == 2 && n.children[1].kind == NodeKind::Symbol && n.ops[0][0] == n.ops[1][0]) {
    const bool less = n.ops[0][0] == '<';
    const std::string& low_op = less ? n.ops[0] : n.ops[1];
    const std::string& high_op = less ? n.ops[1] : n.ops[0];
    return interval_form(low_op.size() == 2, canonical(n.children[less ? 0 : 2]), canonical(n.children[less ? 2 : 0]),
                         high_op.size() == 2);
  }
  return std::nullopt;
}

bool is_infinity(const Node& n) {
  return (n.kind == NodeKind::Constant && n.text == "infinity") || (n.kind == NodeKind::Symbol && n.text == "\\infty");
}

std::string canonical(const Node& node) {
  if (is_infinity(node)) return "inf";
  if (node.kind == NodeKind::Neg && is_infinity(node.children[0])) return "-inf";
  switch (node.kind) {
    case NodeKind::Text:
      return "text:" + normalize_text_answer(node.text);
    case NodeKind::Percent:
      return canonical(node.children[0]);
    case NodeKind::Relation: {
      const bool named_left = node.children[0].kind == NodeKind::Symbol;
      const bool all_equal = std::all_of(node.ops.begin(), node.ops.end(), [](const std::string& op) { return op == "="; });
      // "x = 5", "x = 2 + 3 = 5", "x \in [1, 2]": the value
      if (named_left && (all_equal || (node.ops.size() == 1 && node.ops[0] == "in"))) return canonical(node.children.back());
      if (auto interval = inequality_form(node)) return *interval;
      if (node.ops.size() == 1 && node.ops[0] == "=") return print_equation(node.children[0], node.children[1]);
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        parts.push_back(canonical(node.children[i]));
        if (i < node.ops.size()) parts.push_back(node.ops[i]);
      }
      return joined(parts, false, "rel(", ")");
    }
    case NodeKind::PlusMinus:
    case NodeKind::List:
    case NodeKind::Set: {
      std::vector<std::string> items = item_forms(node);
      if (items.size() == 1) return items.front();  // {3} and 3 are one answer to the equivalence
      return joined(std::move(items), true, "{", "}");
    }
    case NodeKind::Tuple: {
      std::vector<std::string> items;
      for (const Node& c : node.children) items.push_back(canonical(c));
      return joined(std::move(items), false, "(", ")");  // an open pair prints like the open interval
    }
    case NodeKind::Interval: {
      return interval_form(node.left_closed, canonical(node.children[0]), canonical(node.children[1]), node.right_closed);
    }
    case NodeKind::Union: {
      std::vector<std::string> parts;
      for (const Node& c : node.children) parts.push_back(canonical(c));
      return joined(std::move(parts), true, "union(", ")");
    }
    case NodeKind::Matrix: {
      std::vector<std::string> entries;
      for (const Node& c : node.children) entries.push_back(canonical(c));
      return "matrix" + std::to_string(node.columns) + joined(std::move(entries), false, "(", ")");
    }
    default:
      return print_scalar(node);
  }
}

}  // namespace

std::optional<std::string> canonical_math_answer(std::string_view answer) {
  try {
    return canonical(parse_latex_answer(normalize_answer(answer)));
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    return std::nullopt;  // unparsable or refused (sizes), as the equivalence would say
  }
}

}  // namespace rbench::graders::math
