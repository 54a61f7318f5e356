// Recursive-descent LaTeX answer parser: see latex_parser.h. Precedence, loosest first: comma lists, relations,
// unions, sums (with \pm), products (explicit and implicit), unary signs, powers, postfix (!, %, subscripts),
// primaries (numbers, letters, groups, commands).
#include "graders/math/latex_parser.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "graders/math/latex_lexer.h"
#include "graders/math/latex_vocabulary.h"

namespace rbench::graders::math {
namespace {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Node parse_all() {
    std::vector<Node> items = parse_sequence();
    if (peek().kind != TokenKind::End) fail("unexpected '" + peek().text + "'");
    if (items.size() == 1) return std::move(items.front());
    return make(NodeKind::List, std::move(items));
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxParseDepth) throw UnparsableAnswer("answer nested deeper than the parser allows");
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  Token take() {
    Token t = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool at_punct(std::string_view p) const { return peek().kind == TokenKind::Punct && peek().text == p; }
  bool at_command(std::string_view c) const { return peek().kind == TokenKind::Command && peek().text == c; }
  bool at_bar() const {
    return at_punct("|") || at_command("vert") || at_command("lvert") || at_command("rvert") || at_command("mid");
  }
  // "\text{ and }" or "\text{ or }" between values separates list items (and is never a unit to skip).
  bool at_connective() const {
    if (peek().kind != TokenKind::Text) return false;
    std::string word;
    for (char c : peek().text) {
      if (c != ' ') word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return word == "and" || word == "or" || word == "," || word == "and/or";
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw UnparsableAnswer(what + " (token " + std::to_string(pos_) + ")");
  }
  void expect_punct(std::string_view p) {
    if (!at_punct(p)) fail("expected '" + std::string(p) + "' but found '" + peek().text + "'");
    take();
  }

  std::vector<Node> parse_sequence() {
    DepthGuard guard(*this);
    std::vector<Node> items;
    items.push_back(parse_relation());
    while (at_punct(",") || at_punct(";") || at_connective()) {
      take();
      items.push_back(parse_relation());
    }
    return items;
  }

  std::string relation_operator() const {
    const Token& t = peek();
    if (t.kind == TokenKind::Punct) {
      if (t.text == "=" || t.text == "<" || t.text == ">" || t.text == "<=" || t.text == ">=") return t.text;
      if (t.text == "!=") return "!=";
    }
    if (t.kind == TokenKind::Command) {
      if (t.text == "le" || t.text == "leq" || t.text == "leqslant") return "<=";
      if (t.text == "ge" || t.text == "geq" || t.text == "geqslant") return ">=";
      if (t.text == "lt") return "<";
      if (t.text == "gt") return ">";
      if (t.text == "ne" || t.text == "neq") return "!=";
      if (t.text == "in") return "in";
      if (t.text == "approx" || t.text == "equiv") return "=";
    }
    return {};
  }

  Node parse_relation() {
    Node first = parse_union();
    if (relation_operator().empty()) return first;
    Node rel = make(NodeKind::Relation, {std::move(first)});
    for (std::string op = relation_operator(); !op.empty(); op = relation_operator()) {
      take();
      rel.ops.push_back(op);
      rel.children.push_back(parse_union());
    }
    return rel;
  }

  Node parse_union() {
    Node first = parse_additive();
    if (!at_command("cup")) return first;
    Node joined = make(NodeKind::Union, {std::move(first)});
    while (at_command("cup")) {
      take();
      joined.children.push_back(parse_additive());
    }
    return joined;
  }

  Node parse_additive() {
    DepthGuard guard(*this);
    std::vector<Node> terms;
    terms.push_back(parse_signed());
    auto collapse = [&terms]() {
      if (terms.size() == 1) return std::move(terms.front());
      return make(NodeKind::Add, std::move(terms));
    };
    while (true) {
      if (at_punct("+")) {
        take();
        terms.push_back(parse_signed());
      } else if (at_punct("-")) {
        take();
        terms.push_back(make(NodeKind::Neg, {parse_signed()}));
      } else if (at_command("pm") || at_command("mp")) {
        const bool minus_first = take().text == "mp";
        Node rhs = parse_signed();
        if (minus_first) rhs = make(NodeKind::Neg, {std::move(rhs)});
        Node left = collapse();
        terms.clear();
        terms.push_back(make(NodeKind::PlusMinus, {std::move(left), std::move(rhs)}));
      } else {
        break;
      }
    }
    return collapse();
  }

  Node parse_signed() {
    DepthGuard guard(*this);
    if (at_punct("-")) {
      take();
      return make(NodeKind::Neg, {parse_signed()});
    }
    if (at_punct("+")) {
      take();
      return parse_signed();
    }
    if (at_command("pm") || at_command("mp")) {
      take();
      return make(NodeKind::PlusMinus, {make(NodeKind::Number, {}, "0"), parse_signed()});
    }
    return parse_term();
  }

  bool starts_implicit_factor() const {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::Number:
      case TokenKind::Letter:
        return true;
      case TokenKind::Command:
        return relation_operator().empty() && t.text != "cup" && t.text != "pm" && t.text != "mp" &&
               t.text != "cdot" && t.text != "times" && t.text != "div" && t.text != "end" &&
               t.text != "rvert" && !(t.text == "vert" || t.text == "mid" || t.text == "lvert" ? abs_depth_ > 0 : false);
      case TokenKind::Punct:
        return t.text == "(" || t.text == "{" || (t.text == "|" && abs_depth_ == 0);
      default:
        return false;
    }
  }

  // Units written as \text{cm}, optionally squared, after a value carry no value: skip them.
  void skip_units() {
    while (peek().kind == TokenKind::Text && !at_connective()) {
      take();
      if (at_punct("^")) {
        take();
        parse_script();
      }
    }
  }

  Node parse_term() {
    DepthGuard guard(*this);
    std::vector<Node> factors;
    factors.push_back(parse_power());
    skip_units();
    while (true) {
      if (at_punct("*") || at_command("cdot") || at_command("times") || at_command("ast")) {
        take();
        factors.push_back(parse_signed_power());
      } else if (at_punct("/") || at_command("div")) {
        take();
        Node numerator = factors.size() == 1 ? std::move(factors.front()) : make(NodeKind::Mul, std::move(factors));
        factors.clear();
        factors.push_back(make(NodeKind::Div, {std::move(numerator), parse_signed_power()}));
      } else if (starts_implicit_factor()) {
        Node next = parse_power();
        // "2\frac{1}{2}" and "137 \frac12" are mixed numbers in answers, not products.
        if (factors.size() == 1 && is_integer_literal(factors.front()) && next.kind == NodeKind::Div &&
            next.text == "frac" && is_integer_literal(next.children[0]) && is_integer_literal(next.children[1])) {
          Node whole = std::move(factors.front());
          factors.front() = make(NodeKind::Add, {std::move(whole), std::move(next)});
        } else {
          factors.push_back(std::move(next));
        }
      } else {
        break;
      }
      skip_units();
    }
    if (factors.size() == 1) return std::move(factors.front());
    return make(NodeKind::Mul, std::move(factors));
  }

  Node parse_signed_power() {
    if (at_punct("-")) {
      take();
      return make(NodeKind::Neg, {parse_signed_power()});
    }
    return parse_power();
  }

  Node parse_power() {
    DepthGuard guard(*this);
    Node base = parse_postfix();
    while (at_punct("^")) {
      take();
      Node exponent = parse_script();
      base = make(NodeKind::Pow, {std::move(base), std::move(exponent)});
      base = parse_postfix_operators(std::move(base));
    }
    return base;
  }

  // A superscript or subscript argument: a {group} or one token (one digit of a number: x^23 is x^2 3).
  Node parse_script() {
    DepthGuard guard(*this);
    if (at_punct("{")) return parse_primary();
    if (at_punct("-")) {
      take();
      return make(NodeKind::Neg, {parse_script()});
    }
    if (peek().kind == TokenKind::Number) return take_one_digit();
    return parse_primary();
  }

  Node take_one_digit() {
    Token& t = tokens_[pos_];
    if (t.text.size() > 1 && t.text[0] != '.') {
      Node digit = make(NodeKind::Number, {}, t.text.substr(0, 1));
      t.text.erase(0, 1);
      return digit;
    }
    return make(NodeKind::Number, {}, take().text);
  }

  Node parse_postfix() { return parse_postfix_operators(parse_primary()); }

  Node parse_postfix_operators(Node operand) {
    while (true) {
      if (at_punct("!")) {
        take();
        operand = make(NodeKind::Factorial, {std::move(operand)});
      } else if (at_punct("%")) {
        take();
        operand = make(NodeKind::Percent, {std::move(operand)});
      } else if (at_punct("'")) {
        take();
        if (operand.kind != NodeKind::Symbol) fail("a prime on something other than a variable");
        operand.text += "'";
      } else if (at_punct("_")) {
        take();
        Node sub = parse_script();
        if (operand.kind == NodeKind::Number) continue;  // a base subscript: 1011_2 keeps its digits
        if (operand.kind != NodeKind::Symbol) fail("a subscript on something other than a variable or number");
        operand.text += "_" + flat_text(sub);
      } else {
        return operand;
      }
    }
  }

  static std::string flat_text(const Node& n) {
    std::string s = n.text;
    for (const Node& c : n.children) s += flat_text(c);
    return s;
  }

  // A command argument: a {group} or a single token (\frac43 is 4/3; \sqrt2 is sqrt(2)).
  Node parse_argument() {
    if (at_punct("{")) return parse_primary();
    if (peek().kind == TokenKind::Number) return take_one_digit();
    if (peek().kind == TokenKind::Letter) return make(NodeKind::Symbol, {}, take().text);
    return parse_primary();
  }

  Node parse_group(std::string_view close) {
    std::vector<Node> items = parse_sequence();
    expect_punct(close);
    if (items.size() == 1) return std::move(items.front());
    return make(NodeKind::List, std::move(items));
  }

  Node parse_bracketed(bool left_closed) {
    std::vector<Node> items = parse_sequence();
    const bool right_closed = at_punct("]");
    if (!right_closed && !at_punct(")")) fail("expected ')' or ']' after a bracketed list");
    take();
    if (items.size() == 1 && left_closed == right_closed) return std::move(items.front());
    if (items.size() == 2) {
      Node interval = make(NodeKind::Interval, std::move(items));
      interval.left_closed = left_closed;
      interval.right_closed = right_closed;
      if (!left_closed && !right_closed) interval.kind = NodeKind::Tuple;  // (a, b): pair or open interval
      return interval;
    }
    if (!left_closed && !right_closed) return make(NodeKind::Tuple, std::move(items));
    if (left_closed && right_closed) return make(NodeKind::Tuple, std::move(items), "[");
    fail("a half-open bracket around " + std::to_string(items.size()) + " items");
  }

  Node parse_abs() {
    take();
    ++abs_depth_;
    Node inside = parse_additive();
    --abs_depth_;
    if (!at_bar()) fail("unclosed |...|");
    take();
    return make(NodeKind::Function, {std::move(inside)}, "abs");
  }

  Node parse_matrix(const std::string& env) {
    Node matrix = make(NodeKind::Matrix);
    std::size_t column = 0;
    while (!at_command("end")) {
      if (peek().kind == TokenKind::End) fail("\\begin{" + env + "} without \\end");
      matrix.children.push_back(parse_additive());
      ++column;
      if (at_punct("&")) {
        take();
      } else if (at_punct("\\\\")) {
        take();
        if (matrix.columns == 0) matrix.columns = column;
        if (column != matrix.columns) fail("matrix rows of different lengths");
        column = 0;
      }
    }
    take();
    if (read_environment_name() != env) fail("\\begin{" + env + "} closed by another \\end");
    if (column > 0) {
      if (matrix.columns == 0) matrix.columns = column;
      if (column != matrix.columns) fail("matrix rows of different lengths");
    }
    if (matrix.children.empty()) fail("empty matrix");
    return matrix;
  }

  std::string read_environment_name() {
    expect_punct("{");
    std::string name;
    while (peek().kind == TokenKind::Letter || at_punct("*")) name += take().text;
    expect_punct("}");
    return name;
  }

  Node parse_function(const std::string& name) {
    Node power;
    bool has_power = false;
    Node log_base;
    bool has_base = false;
    while (at_punct("^") || at_punct("_")) {
      const bool is_power = take().text == "^";
      (is_power ? power : log_base) = parse_script();
      (is_power ? has_power : has_base) = true;
    }
    Node argument;
    if (at_punct("(")) {
      take();
      argument = parse_group(")");
    } else {
      std::vector<Node> factors;
      factors.push_back(parse_power());
      while (peek().kind == TokenKind::Number || peek().kind == TokenKind::Letter ||
             (peek().kind == TokenKind::Command && is_greek_letter(peek().text)) || at_command("pi")) {
        factors.push_back(parse_power());
      }
      argument = factors.size() == 1 ? std::move(factors.front()) : make(NodeKind::Mul, std::move(factors));
    }
    std::vector<Node> args;
    if (argument.kind == NodeKind::List) args = std::move(argument.children);
    else args.push_back(std::move(argument));
    if (has_base) args.push_back(std::move(log_base));
    Node call = make(NodeKind::Function, std::move(args), name);
    if (has_power) call = make(NodeKind::Pow, {std::move(call), std::move(power)});
    return call;
  }

  Node parse_command() {
    const std::string name = take().text;
    if (name == "frac" || name == "dfrac" || name == "tfrac" || name == "cfrac") {
      Node numerator = parse_argument();
      Node denominator = parse_argument();
      return make(NodeKind::Div, {std::move(numerator), std::move(denominator)}, "frac");
    }
    if (name == "binom" || name == "dbinom" || name == "tbinom") {
      Node n = parse_argument();
      Node k = parse_argument();
      return make(NodeKind::Function, {std::move(n), std::move(k)}, "binom");
    }
    if (name == "sqrt") {
      if (at_punct("[")) {
        take();
        Node index = parse_additive();
        expect_punct("]");
        Node radicand = parse_argument();
        return make(NodeKind::Function, {std::move(radicand), std::move(index)}, "root");
      }
      return make(NodeKind::Function, {parse_argument()}, "sqrt");
    }
    if (name == "pi") return make(NodeKind::Constant, {}, "pi");
    if (name == "infty" || name == "infinity") return make(NodeKind::Constant, {}, "infinity");
    if (name == "imath") return make(NodeKind::Symbol, {}, "i");
    if (is_greek_letter(name)) return make(NodeKind::Symbol, {}, "\\" + name);
    if (is_function_command(name)) return parse_function(name);
    if (name == "lvert" || name == "vert" || name == "mid") {
      --pos_;
      return parse_abs();
    }
    if (name == "begin") {
      const std::string env = read_environment_name();
      if (!is_matrix_environment(env)) fail("unsupported environment " + env);
      if (env == "array" && at_punct("{")) read_environment_name();
      return parse_matrix(env);
    }
    if (name == "boxed" || name == "fbox" || name == "mathbf" || name == "bf" || name == "overline") {
      return parse_argument();
    }
    fail("unsupported command \\" + name);
  }

  Node parse_primary() {
    DepthGuard guard(*this);
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::Number:
        return make(NodeKind::Number, {}, take().text);
      case TokenKind::Letter:
        return make(NodeKind::Symbol, {}, take().text);
      case TokenKind::Text:
        return make(NodeKind::Text, {}, take().text);
      case TokenKind::Command:
        return parse_command();
      case TokenKind::End:
        fail("the answer ends where a value was expected");
      case TokenKind::Punct:
        break;
    }
    if (at_punct("(")) {
      take();
      return parse_bracketed(false);
    }
    if (at_punct("[")) {
      take();
      return parse_bracketed(true);
    }
    if (at_punct("{")) {
      take();
      if (at_punct("}")) fail("empty group {}");
      return parse_group("}");
    }
    if (at_punct("\\{")) {
      take();
      std::vector<Node> items = parse_sequence();
      expect_punct("\\}");
      return make(NodeKind::Set, std::move(items));
    }
    if (at_punct("|")) return parse_abs();
    fail("unexpected '" + t.text + "'");
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  int abs_depth_ = 0;
};

}  // namespace

Node parse_latex_answer(std::string_view normalized_latex) {
  Parser parser(tokenize_latex(normalized_latex));
  return parser.parse_all();
}

}  // namespace rbench::graders::math
