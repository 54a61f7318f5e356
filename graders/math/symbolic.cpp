// Expression tree -> GiNaC, with size checks before every operation that could explode: see symbolic.h.
#include "graders/math/symbolic.h"

#include <cmath>
#include <optional>
#include <sstream>

namespace rbench::graders::math {
namespace {

// log2 of the larger of |numerator| and |denominator|: the bit size of an exact rational.
double rational_bits(const GiNaC::numeric& value) {
  const GiNaC::numeric numerator = GiNaC::abs(value.numer());
  const GiNaC::numeric denominator = GiNaC::abs(value.denom());
  return static_cast<double>(std::max(numerator.int_length(), denominator.int_length()));
}

// log2 of the larger of |numerator| and |denominator|, from doubles when they fit, else from the bit length.
double log2_size(const GiNaC::numeric& value) {
  const GiNaC::numeric larger = std::max(GiNaC::abs(value.numer()), GiNaC::abs(value.denom()));
  const double as_double = larger.to_double();
  if (std::isfinite(as_double) && as_double > 0) return std::log2(as_double);
  return rational_bits(larger);
}

const GiNaC::numeric& as_numeric(const GiNaC::ex& e) { return GiNaC::ex_to<GiNaC::numeric>(e); }

std::string printed(const GiNaC::ex& e) {
  std::ostringstream out;
  out << e;
  return out.str();
}

// |value| as a double (infinite when too large for one); none when it has free symbols or cannot be evaluated.
std::optional<double> magnitude(const GiNaC::ex& e) {
  try {
    const GiNaC::ex value = e.evalf();
    if (!GiNaC::is_a<GiNaC::numeric>(value)) return std::nullopt;
    return GiNaC::abs(GiNaC::ex_to<GiNaC::numeric>(value)).to_double();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Powers with irrational parts are evaluated in floating point later, where GiNaC's overflow is silent
// (e^{e^{e^{e^e}}} evaluates to 1.0): refuse any whose magnitude exceeds 2^kMaxFloatBits, checked level by
// level as the tree is built bottom-up.
void check_float_magnitude(const GiNaC::ex& base, const GiNaC::ex& exponent) {
  const auto e = magnitude(exponent);
  const auto b = magnitude(base);
  if (!e || !b) return;  // symbolic: nothing is evaluated here
  if (!std::isfinite(*e) || !std::isfinite(*b)) throw UnparsableAnswer("a power overflows floating point");
  if (*b == 0.0) return;
  const double bits = *e * std::abs(std::log2(*b));
  if (bits > kMaxFloatBits) {
    throw UnparsableAnswer("power too large to evaluate (about 2^" + std::to_string(bits) + ")");
  }
}

}  // namespace

namespace {

struct PowerTooLarge {};

// Substitutes bottom-up and checks each power's magnitude once its base and exponent are numbers, and the argument
// of each exponentially growing function.
class BoundedSubstitution : public GiNaC::map_function {
 public:
  explicit BoundedSubstitution(const GiNaC::exmap& values) : values_(values) {}

  GiNaC::ex operator()(const GiNaC::ex& e) override {
    if (GiNaC::is_a<GiNaC::symbol>(e)) {
      const auto found = values_.find(e);
      return found == values_.end() ? e : found->second;
    }
    if (GiNaC::is_a<GiNaC::power>(e)) {
      const GiNaC::ex base = (*this)(e.op(0)), exponent = (*this)(e.op(1));
      check(magnitude(base), magnitude(exponent));
      return GiNaC::pow(base, exponent);
    }
    const GiNaC::ex mapped = e.map(*this);
    if (grows_exponentially(mapped)) {
      // |exp z|, |sin z|, |cosh z|... reach e^{|z|}, and a huge real argument costs a range reduction at that
      // precision (sin(sin(4 i b^8 ...)) at the sample points made CLN allocate 1.2 GB; found by fuzzing).
      const auto size = magnitude(mapped.op(0));
      if (size && (!std::isfinite(*size) || *size * std::log2(std::exp(1.0)) > kMaxFloatBits)) throw PowerTooLarge{};
    }
    return mapped;
  }

 private:
  static bool grows_exponentially(const GiNaC::ex& e) {
    return GiNaC::is_the_function<GiNaC::exp_SERIAL>(e) || GiNaC::is_the_function<GiNaC::sin_SERIAL>(e) ||
           GiNaC::is_the_function<GiNaC::cos_SERIAL>(e) || GiNaC::is_the_function<GiNaC::tan_SERIAL>(e) ||
           GiNaC::is_the_function<GiNaC::sinh_SERIAL>(e) || GiNaC::is_the_function<GiNaC::cosh_SERIAL>(e) ||
           GiNaC::is_the_function<GiNaC::tanh_SERIAL>(e);
  }

  static void check(std::optional<double> base, std::optional<double> exponent) {
    if (!base || !exponent) return;  // still symbolic (a symbol without a value): nothing is evaluated
    if (!std::isfinite(*base) || !std::isfinite(*exponent)) throw PowerTooLarge{};
    if (*base != 0.0 && *exponent * std::abs(std::log2(*base)) > kMaxFloatBits) throw PowerTooLarge{};
  }

  const GiNaC::exmap& values_;
};

}  // namespace

std::optional<GiNaC::ex> substitute_bounded(const GiNaC::ex& e, const GiNaC::exmap& values) {
  BoundedSubstitution substitute(values);
  try {
    return substitute(e);
  } catch (const PowerTooLarge&) {
    return std::nullopt;
  }
}

GiNaC::ex SymbolicConverter::symbol_named(const std::string& name) {
  auto found = symbols_.find(name);
  if (found == symbols_.end()) found = symbols_.emplace(name, GiNaC::symbol(name)).first;
  return found->second;
}

GiNaC::ex SymbolicConverter::convert_number(const std::string& literal) {
  const std::size_t point = literal.find('.');
  if (point == std::string::npos) return GiNaC::numeric(literal.c_str());
  saw_decimal_ = true;
  std::string digits = literal.substr(0, point) + literal.substr(point + 1);
  if (digits.empty()) throw UnparsableAnswer("a decimal point without digits");
  const long decimals = static_cast<long>(literal.size() - point - 1);
  return GiNaC::numeric(digits.c_str()) / GiNaC::pow(GiNaC::numeric(10), GiNaC::numeric(decimals));
}

GiNaC::ex SymbolicConverter::convert_power(const Node& node) {
  const GiNaC::ex base = convert(node.children[0]);
  const GiNaC::ex exponent = convert(node.children[1]);
  if (GiNaC::is_a<GiNaC::numeric>(exponent)) {
    const GiNaC::numeric& e = as_numeric(exponent);
    if (GiNaC::is_a<GiNaC::numeric>(base)) {
      const GiNaC::numeric& b = as_numeric(base);
      // GiNaC throws from inside pow() for these and leaks the half-built power object (found by fuzzing).
      if (b.is_zero() && !e.is_positive()) throw UnparsableAnswer("0^" + printed(e) + " is undefined");
      if (!b.is_zero() && !GiNaC::abs(b).is_equal(1)) {
        if (rational_bits(e) > 40) throw UnparsableAnswer("exponent too large to evaluate exactly");
        const double bits = std::abs(e.to_double()) * std::max(1.0, log2_size(b));
        if (bits > kMaxExactBits) {
          throw UnparsableAnswer("power too large to evaluate exactly (about 2^" + std::to_string(bits) + ")");
        }
      }
    } else if (e.is_integer() && GiNaC::abs(e) > kMaxSymbolicExponent) {
      throw UnparsableAnswer("exponent " + printed(e) + " of a symbolic base exceeds " +
                             std::to_string(kMaxSymbolicExponent));
    }
  }
  if (!GiNaC::is_a<GiNaC::numeric>(exponent)) {
    // A symbolic exponent is evaluated later at sample points: a huge constant inside it (10^{14^{15} x}) would
    // then be an exact power of astronomic size (found by fuzzing: minutes in GMP).
    for (auto it = exponent.preorder_begin(); it != exponent.preorder_end(); ++it) {
      if (GiNaC::is_a<GiNaC::numeric>(*it) && GiNaC::abs(GiNaC::ex_to<GiNaC::numeric>(*it)) > kMaxSymbolicExponent)
        throw UnparsableAnswer("constant " + printed(*it) + " in a symbolic exponent exceeds " +
                               std::to_string(kMaxSymbolicExponent));
    }
  }
  check_float_magnitude(base, exponent);
  return GiNaC::pow(base, exponent);
}

GiNaC::ex SymbolicConverter::convert_factorial(const Node& node) {
  const GiNaC::ex operand = convert(node.children[0]);
  if (!GiNaC::is_a<GiNaC::numeric>(operand)) return GiNaC::factorial(operand);
  const GiNaC::numeric& n = as_numeric(operand);
  if (!n.is_integer() || n.is_negative()) throw UnparsableAnswer("factorial of " + printed(n));
  if (n > kMaxFactorialArgument) throw UnparsableAnswer("factorial of " + printed(n) + " is too large");
  return GiNaC::factorial(n);
}

GiNaC::ex SymbolicConverter::convert_function(const Node& node) {
  const std::string& name = node.text;
  std::vector<GiNaC::ex> args;
  for (const Node& child : node.children) args.push_back(convert(child));
  auto need = [&](std::size_t n) {
    if (args.size() != n) {
      throw UnparsableAnswer("\\" + name + " takes " + std::to_string(n) + " argument(s), got " +
                             std::to_string(args.size()));
    }
  };
  if (name == "log" && args.size() == 2) return GiNaC::log(args[0]) / GiNaC::log(args[1]);
  if (name == "root") {
    need(2);
    return GiNaC::pow(args[0], 1 / args[1]);
  }
  if (name == "binom") {
    need(2);
    if (GiNaC::is_a<GiNaC::numeric>(args[0]) && GiNaC::is_a<GiNaC::numeric>(args[1])) {
      const GiNaC::numeric& n = as_numeric(args[0]);
      if (n.is_integer() && n > kMaxFactorialArgument) throw UnparsableAnswer("binomial too large");
      return GiNaC::binomial(n, as_numeric(args[1]));
    }
    return GiNaC::binomial(args[0], args[1]);
  }
  if (name == "gcd" || name == "lcm") {
    GiNaC::ex result = args.at(0);
    for (std::size_t i = 1; i < args.size(); ++i) {
      result = name == "gcd" ? GiNaC::gcd(result, args[i]) : GiNaC::lcm(result, args[i]);
    }
    return result;
  }
  need(1);
  const GiNaC::ex& x = args[0];
  if (name == "sqrt") return GiNaC::sqrt(x);
  if (name == "abs") return GiNaC::abs(x);
  if (name == "sin") return GiNaC::sin(x);
  if (name == "cos") return GiNaC::cos(x);
  if (name == "tan") return GiNaC::tan(x);
  if (name == "cot") return 1 / GiNaC::tan(x);
  if (name == "sec") return 1 / GiNaC::cos(x);
  if (name == "csc") return 1 / GiNaC::sin(x);
  if (name == "arcsin") return GiNaC::asin(x);
  if (name == "arccos") return GiNaC::acos(x);
  if (name == "arctan") return GiNaC::atan(x);
  if (name == "sinh") return GiNaC::sinh(x);
  if (name == "cosh") return GiNaC::cosh(x);
  if (name == "tanh") return GiNaC::tanh(x);
  if (name == "ln" || name == "log") return GiNaC::log(x);
  if (name == "exp") {
    check_float_magnitude(GiNaC::exp(GiNaC::ex(1)), x);
    return GiNaC::exp(x);
  }
  throw UnparsableAnswer("function \\" + name + " is not supported in answers");
}

GiNaC::ex SymbolicConverter::convert(const Node& node) {
  switch (node.kind) {
    case NodeKind::Number:
      return convert_number(node.text);
    case NodeKind::Symbol:
      if (node.text == "e") return GiNaC::exp(GiNaC::ex(1));
      if (node.text == "i") return GiNaC::I;
      return symbol_named(node.text);
    case NodeKind::Constant:
      if (node.text == "pi") return GiNaC::Pi;
      if (node.text == "infinity") return infinity();
      throw UnparsableAnswer("unknown constant " + node.text);
    case NodeKind::Add: {
      GiNaC::ex sum = 0;
      for (const Node& c : node.children) sum += convert(c);
      return sum;
    }
    case NodeKind::Mul: {
      GiNaC::ex product = 1;
      for (const Node& c : node.children) product *= convert(c);
      return product;
    }
    case NodeKind::Div: {
      const GiNaC::ex denominator = convert(node.children[1]);
      if (denominator.is_zero()) throw UnparsableAnswer("division by zero");
      return convert(node.children[0]) / denominator;
    }
    case NodeKind::Neg:
      return -convert(node.children[0]);
    case NodeKind::Pow:
      return convert_power(node);
    case NodeKind::Function:
      return convert_function(node);
    case NodeKind::Factorial:
      return convert_factorial(node);
    case NodeKind::Percent:
      return convert(node.children[0]) / 100;
    default:
      throw UnparsableAnswer("not a single value where one was expected");
  }
}

}  // namespace rbench::graders::math
