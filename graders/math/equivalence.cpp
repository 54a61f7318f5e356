// Structural comparison of parsed answers, gold-first: see equivalence.h. Scalars go to scalar_equivalence;
// everything here is about which forms of the prediction a given gold form accepts.
#include "graders/math/equivalence.h"

#include <optional>
#include <utility>
#include <vector>

#include "graders/math/answer_normalizer.h"
#include "graders/math/latex_parser.h"
#include "graders/math/latex_vocabulary.h"
#include "graders/math/scalar_equivalence.h"
#include "graders/math/symbolic.h"

namespace rbench::graders::math {
namespace {

constexpr std::size_t kMaxPlusMinusVariants = 16;

bool is_collection(const Node& n) {
  return n.kind == NodeKind::List || n.kind == NodeKind::Set || n.kind == NodeKind::Tuple;
}

bool is_inequality(const std::string& op) { return op == "<" || op == "<=" || op == ">" || op == ">="; }

// "x = 5", "x \in [1,2]", "y = 2x + 3": a named variable on the left of one '=' or '\in'.
bool is_assignment(const Node& n) {
  return n.kind == NodeKind::Relation && n.ops.size() == 1 && (n.ops[0] == "=" || n.ops[0] == "in") &&
         n.children[0].kind == NodeKind::Symbol;
}

// Every value a ± expression stands for: 1 \pm \sqrt{2} -> {1 + \sqrt{2}, 1 - \sqrt{2}}.
std::vector<Node> expand_plus_minus(const Node& n) {
  if (n.kind == NodeKind::PlusMinus) {
    std::vector<Node> out;
    for (const Node& a : expand_plus_minus(n.children[0])) {
      for (const Node& b : expand_plus_minus(n.children[1])) {
        out.push_back(make(NodeKind::Add, {a, b}));
        out.push_back(make(NodeKind::Add, {a, make(NodeKind::Neg, {b})}));
      }
    }
    if (out.size() > kMaxPlusMinusVariants) throw UnparsableAnswer("too many \\pm combinations");
    return out;
  }
  if (n.kind == NodeKind::Add || n.kind == NodeKind::Mul || n.kind == NodeKind::Div || n.kind == NodeKind::Neg) {
    std::vector<Node> out{n};
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      std::vector<Node> next;
      for (const Node& partial : out) {
        for (Node& child : expand_plus_minus(n.children[i])) {
          Node copy = partial;
          copy.children[i] = std::move(child);
          next.push_back(std::move(copy));
        }
      }
      out = std::move(next);
      if (out.size() > kMaxPlusMinusVariants) throw UnparsableAnswer("too many \\pm combinations");
    }
    return out;
  }
  return {n};
}

bool contains_plus_minus(const Node& n) {
  if (n.kind == NodeKind::PlusMinus) return true;
  for (const Node& c : n.children) {
    if (contains_plus_minus(c)) return true;
  }
  return false;
}

// The items of a collection, with ± items expanded into their values.
std::vector<Node> flat_items(const Node& n) {
  std::vector<Node> items;
  const std::vector<Node> sources = is_collection(n) ? n.children : std::vector<Node>{n};
  for (const Node& item : sources) {
    for (Node& value : expand_plus_minus(item)) items.push_back(std::move(value));
  }
  return items;
}

// "x < 3" -> (-inf, 3); "1 <= x < 2" -> [1, 2); none when the relation is not a bound on one variable.
std::optional<Node> inequality_as_interval(const Node& n) {
  if (n.kind != NodeKind::Relation) return std::nullopt;
  for (const std::string& op : n.ops) {
    if (!is_inequality(op)) return std::nullopt;
  }
  Node infinity;
  infinity.kind = NodeKind::Constant;
  infinity.text = "infinity";
  Node interval = make(NodeKind::Interval, {make(NodeKind::Neg, {infinity}), infinity});
  auto set_bound = [&interval](const Node& bound, bool is_upper, bool closed) {
    interval.children[is_upper ? 1 : 0] = bound;
    (is_upper ? interval.right_closed : interval.left_closed) = closed;
  };
  if (n.ops.size() == 1) {
    const bool variable_left = n.children[0].kind == NodeKind::Symbol;
    const bool variable_right = n.children[1].kind == NodeKind::Symbol;
    if (variable_left == variable_right) return std::nullopt;
    const std::string& op = n.ops[0];
    const bool less = op[0] == '<';
    const bool closed = op.size() == 2;
    // variable < bound: an upper bound; bound < variable: a lower bound.
    set_bound(n.children[variable_left ? 1 : 0], less == variable_left, closed);
    return interval;
  }
  if (n.ops.size() == 2 && n.children[1].kind == NodeKind::Symbol && n.ops[0][0] == n.ops[1][0]) {
    const bool less = n.ops[0][0] == '<';
    set_bound(n.children[less ? 0 : 2], false, (less ? n.ops[0] : n.ops[1]).size() == 2);
    set_bound(n.children[less ? 2 : 0], true, (less ? n.ops[1] : n.ops[0]).size() == 2);
    return interval;
  }
  return std::nullopt;
}

class Comparer {
 public:
  bool equal(const Node& g, const Node& p) {
    if (g.kind == NodeKind::Relation) return gold_relation_equal(g, p);
    if (p.kind == NodeKind::Relation) {
      if (is_assignment(p)) return equal(g, p.children[1]);
      if (p.ops.size() > 1 && p.ops[0] == "=" && p.children[0].kind == NodeKind::Symbol) {
        return equal(g, p.children.back());  // "x = 2 + 3 = 5": the last value
      }
      if (auto interval = inequality_as_interval(p); interval && g.kind == NodeKind::Interval) {
        return equal(g, *interval);
      }
      return false;
    }
    if (g.kind == NodeKind::PlusMinus || g.kind == NodeKind::List || g.kind == NodeKind::Set) {
      return multisets_equal(flat_items(g), p);
    }
    switch (g.kind) {
      case NodeKind::Tuple:
        return tuple_equal(g, p);
      case NodeKind::Interval:
        return interval_equal(g, p);
      case NodeKind::Union:
        return p.kind == NodeKind::Union && g.children.size() == p.children.size() &&
               unordered_equal(g.children, p.children);
      case NodeKind::Matrix:
        return matrix_equal(g, p);
      case NodeKind::Text:
        return p.kind == NodeKind::Text && normalize_text_answer(g.text) == normalize_text_answer(p.text);
      default:
        return scalar_equal(g, p);
    }
  }

 private:
  bool multisets_equal(const std::vector<Node>& gold_items, const Node& p) {
    std::vector<Node> pred_items = flat_items(p);
    if (p.kind == NodeKind::Interval) pred_items = p.children;  // "[1, 2]" written for the list 1, 2
    return gold_items.size() == pred_items.size() && unordered_equal(gold_items, pred_items);
  }

  bool unordered_equal(const std::vector<Node>& gold_items, const std::vector<Node>& pred_items) {
    std::vector<bool> used(pred_items.size(), false);
    for (const Node& g : gold_items) {
      bool matched = false;
      for (std::size_t j = 0; j < pred_items.size() && !matched; ++j) {
        if (!used[j] && equal(g, pred_items[j])) matched = used[j] = true;
      }
      if (!matched) return false;
    }
    return true;
  }

  bool ordered_equal(const std::vector<Node>& gold_items, const std::vector<Node>& pred_items) {
    if (gold_items.size() != pred_items.size()) return false;
    for (std::size_t i = 0; i < gold_items.size(); ++i) {
      if (!equal(gold_items[i], pred_items[i])) return false;
    }
    return true;
  }

  bool tuple_equal(const Node& g, const Node& p) {
    if (p.kind == NodeKind::Tuple || p.kind == NodeKind::List) return ordered_equal(g.children, p.children);
    if (p.kind == NodeKind::Matrix && p.columns == 1) return ordered_equal(g.children, p.children);
    return false;
  }

  bool interval_equal(const Node& g, const Node& p) {
    const bool p_open_pair = p.kind == NodeKind::Tuple && p.children.size() == 2 && p.text.empty();
    if (p.kind != NodeKind::Interval && !p_open_pair) return false;
    if (p_open_pair) return !g.left_closed && !g.right_closed && ordered_equal(g.children, p.children);
    return g.left_closed == p.left_closed && g.right_closed == p.right_closed &&
           ordered_equal(g.children, p.children);
  }

  bool matrix_equal(const Node& g, const Node& p) {
    if (p.kind == NodeKind::Matrix) return g.columns == p.columns && ordered_equal(g.children, p.children);
    if (g.columns == 1 && p.kind == NodeKind::Tuple) return ordered_equal(g.children, p.children);
    return false;
  }

  bool gold_relation_equal(const Node& g, const Node& p) {
    if (p.kind == NodeKind::Relation && relations_equal(g, p)) return true;
    if (is_assignment(g)) {
      if (auto interval = inequality_as_interval(p)) return equal(g.children[1], *interval);  // x \in [a,b]
      if (p.kind == NodeKind::Relation) return is_assignment(p) && equal(g.children[1], p.children[1]) &&
                                               g.children[0].text == p.children[0].text;
      return equal(g.children[1], p);
    }
    if (auto interval = inequality_as_interval(g); interval && p.kind != NodeKind::Relation) {
      return equal(*interval, p);
    }
    return false;
  }

  bool relations_equal(const Node& g, const Node& p) {
    if (auto gi = inequality_as_interval(g)) {
      if (is_assignment(p) && p.ops[0] == "in") return equal(*gi, p.children[1]);
      auto pi = inequality_as_interval(p);
      return pi && equal(*gi, *pi);
    }
    if (g.ops.size() != 1 || p.ops.size() != 1) {
      return g.ops == p.ops && ordered_equal(g.children, p.children);
    }
    const std::string& gop = g.ops[0];
    const std::string& pop = p.ops[0];
    try {
      const GiNaC::ex gd = converter_.convert(g.children[0]) - converter_.convert(g.children[1]);
      const GiNaC::ex pd = converter_.convert(p.children[0]) - converter_.convert(p.children[1]);
      if (gop == "=" || gop == "!=") return gop == pop && proportional(gd, pd, false);
      if (!is_inequality(gop) || !is_inequality(pop) || (gop.size() != pop.size())) return false;
      // a < b and b > a are one statement: compare as "left - right < 0" with a positive ratio.
      const bool same_direction = gop[0] == pop[0];
      return proportional(gd, same_direction ? pd : -pd, true);
    } catch (const std::exception&) {
      return false;
    }
  }

  // Percentages: "50\%" also stands for 50 (Math-Verify accepts both readings on either side).
  static std::vector<Node> percent_readings(const Node& n) {
    if (n.kind == NodeKind::Percent) return {n, n.children[0]};
    return {n};
  }

  bool scalar_equal(const Node& g, const Node& p) {
    if (is_collection(p) || p.kind == NodeKind::Interval || p.kind == NodeKind::Union ||
        p.kind == NodeKind::Matrix || p.kind == NodeKind::Text) {
      if ((p.kind == NodeKind::Set || p.kind == NodeKind::List) && p.children.size() == 1) {
        return equal(g, p.children[0]);
      }
      return false;
    }
    if (contains_plus_minus(p)) return false;  // two values for one gold value
    for (const Node& gr : percent_readings(g)) {
      for (const Node& pr : percent_readings(p)) {
        try {
          const GiNaC::ex gv = converter_.convert(gr);
          const GiNaC::ex pv = converter_.convert(pr);
          if (scalars_equal(gv, pv, converter_.saw_decimal())) return true;
        } catch (const UnparsableAnswer&) {
          throw;
        } catch (const std::exception&) {
          // GiNaC refused an operation (a pole, a domain error): this reading is not equal.
        }
      }
    }
    return false;
  }

  SymbolicConverter converter_;
};

Node parse_side(std::string_view text, const char* side) {
  try {
    return parse_latex_answer(normalize_answer(text));
  } catch (const UnparsableAnswer& e) {
    throw UnparsableAnswer(std::string(side) + ": " + e.what());
  }
}

}  // namespace

MathComparison compare_math_answers(std::string_view gold, std::string_view prediction) {
  const Node g = parse_side(gold, "gold");
  if (g.kind == NodeKind::Text) {
    return {normalize_text_answer(g.text) == normalize_text_answer(prediction), ""};
  }
  const Node p = parse_side(prediction, "prediction");
  Comparer comparer;
  try {
    return {comparer.equal(g, p), ""};
  } catch (const UnparsableAnswer& e) {
    throw UnparsableAnswer(std::string("comparison: ") + e.what());
  }
}

}  // namespace rbench::graders::math
