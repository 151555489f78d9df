"""Property tests of the expression parser: random text never escapes as anything but InputError,
and random well-formed expressions mean what an independent evaluation says they mean.

The reference evaluations are written here from scratch: Python's ``fractions`` for rational
trees, ``mpmath`` at 50 digits for trees with sqrt, exp, log, tanh, sigmoid, relu, abs, max and
min.  Each tree is written out both in the plain syntax and in the LaTeX subset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from solver.errors import InputError
from solver.reading.expression_parser import parse_expression

#: Examples per property; set SOLVER_FUZZ_EXAMPLES higher for a long fuzzing run.
EXAMPLES = int(os.environ.get("SOLVER_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAME_VALUES = {"x": Fraction(3, 2), "y": Fraction(-2, 5), "z1": Fraction(7, 3)}

# --- random text -------------------------------------------------------------------------------

PIECES = [
    "0", "1", "2", "7", "0.5", "1e3", "1e-400", "9" * 61, "x", "y", "z_1", "z_{1}", "e", "pi", "nan", "inf",
    "+", "-", "*", "/", "^", "**", "(", ")", "{", "}", "[", "]", ",", " ", "_", ".", "'", '"', ":=",
    "sqrt", "exp", "log", "tanh", "sigmoid", "relu", "max", "min", "abs", "__import__", "os", ".system",
    "lambda", "for", "in", "if", "f'", "0x1F", "1_0", "1j", "True", "...", "\\frac", "\\sqrt", "\\cdot",
    "\\times", "\\left(", "\\right)", "\\left|", "\\right|", "\\sigma", "\\exp", "\\input", "\\pi", "$",
    "²", "⁻", "₁", "½", "٣", "２", "\u200b", "\x00", "\n", "×", "−", "÷", "√",
]


@SETTINGS
@given(st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
))
def test_random_text_is_a_value_or_an_input_error(text):
    try:
        value = parse_expression(text, {"x": sympy.Symbol("x"), "y": sympy.Symbol("y"), "z1": sympy.Symbol("z1")})
    except InputError as error:
        assert "\n" not in str(error)
        event("refused")
        return
    event("accepted")
    assert isinstance(value, sympy.Basic)
    assert not value.has(sympy.Float, sympy.I, sympy.zoo, sympy.oo, sympy.nan)


# --- random well-formed trees ----------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """An expression tree: ``op`` is 'num', 'name', 'neg', a binary operator or a function name."""

    op: str
    args: tuple = ()
    value: object = None


def _decimal_text(value: Fraction) -> str:
    """A terminating fraction as decimal text (0.25), else as an integer ratio (1/3)."""
    if value.denominator == 1:
        return str(value.numerator)
    for places in range(1, 6):
        scaled = value * 10**places
        if scaled.denominator == 1:
            whole = f"{abs(scaled.numerator):0{places + 1}d}"
            return ("-" if value < 0 else "") + whole[:-places] + "." + whole[-places:]
    return f"{value.numerator}/{value.denominator}"


numbers = st.one_of(
    st.integers(0, 30).map(Fraction),
    st.sampled_from([Fraction(1, 2), Fraction(1, 4), Fraction(3, 8), Fraction(1, 100), Fraction(5, 2)]),
).map(lambda v: Node("num", value=v))
names = st.sampled_from(sorted(NAME_VALUES)).map(lambda n: Node("name", value=n))
small_powers = st.integers(-3, 4)


def rational_trees():
    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: Node(t[0], (t[1], t[2]))),
            children.map(lambda c: Node("neg", (c,))),
            st.tuples(children, small_powers).map(lambda t: Node("^", (t[0], Node("num", value=Fraction(t[1]))))),
        )

    return st.recursive(st.one_of(numbers, names), extend, max_leaves=10)


def plain(node: Node) -> str:
    """The tree in the plain syntax, fully parenthesised."""
    if node.op == "num":
        return _decimal_text(node.value) if node.value >= 0 else f"({_decimal_text(node.value)})"
    if node.op == "name":
        return node.value
    if node.op == "neg":
        return f"(-{plain(node.args[0])})"
    if node.op in "+-*/^":
        return f"({plain(node.args[0])} {node.op} {plain(node.args[1])})"
    return f"{node.op}({', '.join(plain(a) for a in node.args)})"


_LATEX_NAMES = {"x": "x", "y": "y", "z1": "z_{1}"}
_LATEX_FUNCTIONS = {"sqrt": None, "exp": r"\exp", "log": r"\ln", "tanh": r"\tanh", "sigmoid": r"\sigma",
                    "max": r"\max", "min": r"\min", "relu": r"\operatorname{ReLU}", "abs": None}


def latex(node: Node) -> str:
    """The tree in the LaTeX subset: \\frac, \\cdot, ^{}, \\left( \\right), implicit products of numbers."""
    if node.op == "num":
        text = _decimal_text(node.value)
        if "/" in text:
            p, q = text.split("/")
            text = rf"\frac{{{p}}}{{{q}}}"
        return text if node.value >= 0 else rf"\left({text}\right)"
    if node.op == "name":
        return _LATEX_NAMES[node.value]
    if node.op == "neg":
        return rf"\left(-{latex(node.args[0])}\right)"
    a = node.args
    if node.op == "/":
        return rf"\frac{{{latex(a[0])}}}{{{latex(a[1])}}}"
    if node.op == "*":
        left, right = latex(a[0]), latex(a[1])
        if a[0].op == "num" and a[0].value >= 0 and a[1].op in ("name", "sqrt"):
            return f"{{{left}{right}}}"  # implicit multiplication: 2x, 2\sqrt{2}
        return rf"\left({left} \cdot {right}\right)"
    if node.op in "+-":
        return rf"\left({latex(a[0])} {node.op} {latex(a[1])}\right)"
    if node.op == "^":
        return rf"{{\left({latex(a[0])}\right)}}^{{{latex(a[1])}}}"
    if node.op == "sqrt":
        return rf"\sqrt{{{latex(a[0])}}}"
    if node.op == "abs":
        return rf"\left|{latex(a[0])}\right|"
    return _LATEX_FUNCTIONS[node.op] + r"\left(" + ", ".join(latex(x) for x in a) + r"\right)"


def rational_value(node: Node) -> Fraction:
    """The reference: exact Fraction arithmetic (raises ZeroDivisionError where the text is undefined)."""
    if node.op == "num":
        return node.value
    if node.op == "name":
        return NAME_VALUES[node.value]
    if node.op == "neg":
        return -rational_value(node.args[0])
    left, right = (rational_value(a) for a in node.args)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if node.op == "/":
        return left / right
    return left ** int(right)


def _parsed_value(text: str) -> sympy.Basic:
    return parse_expression(text, {k: sympy.Rational(v.numerator, v.denominator) for k, v in NAME_VALUES.items()})


@SETTINGS
@given(rational_trees(), st.sampled_from([plain, latex]))
def test_rational_trees_mean_what_fractions_say(tree, write):
    text = write(tree)
    try:
        expected = rational_value(tree)
    except ZeroDivisionError:
        event("division by zero")
        with pytest.raises(InputError):
            _parsed_value(text)
        return
    event("compared with the reference")
    value = _parsed_value(text)
    assert value.is_Rational, text
    assert Fraction(int(value.p), int(value.q)) == expected, text


@SETTINGS
@given(rational_trees())
def test_symbolic_trees_agree_with_fractions_at_the_names_values(tree):
    """Parsed with the names as symbols, then evaluated: the same value as the reference."""
    try:
        expected = rational_value(tree)
    except ZeroDivisionError:
        return
    symbols = {name: sympy.Symbol(name) for name in NAME_VALUES}
    try:
        formula = parse_expression(plain(tree), symbols)
    except InputError:
        # Only a symbolic division by something sympy simplifies to 0 (x/(x - x)) may be refused.
        assert "division by zero" in str(_refusal(plain(tree), symbols))
        return
    at = {symbols[k]: sympy.Rational(v.numerator, v.denominator) for k, v in NAME_VALUES.items()}
    assert formula.xreplace(at) == sympy.Rational(expected.numerator, expected.denominator)


def _refusal(text, names) -> InputError:
    try:
        parse_expression(text, names)
    except InputError as error:
        return error
    raise AssertionError("expected a refusal")


# --- trees with functions, against mpmath ------------------------------------------------------

mpmath.mp.dps = 100
TINY = mpmath.mpf(10) ** -40


def function_trees():
    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: Node(t[0], (t[1], t[2]))),
            st.tuples(st.sampled_from(["sqrt", "exp", "log", "tanh", "sigmoid", "relu", "abs"]), children).map(
                lambda t: Node(t[0], (t[1],))),
            st.tuples(st.sampled_from(["max", "min"]), st.lists(children, min_size=2, max_size=3)).map(
                lambda t: Node(t[0], tuple(t[1]))),
            children.map(lambda c: Node("neg", (c,))),
        )

    return st.recursive(st.one_of(numbers, names), extend, max_leaves=6)


class Undefined(Exception):
    """The reference finds the expression undefined in the reals (a log of a negative number)."""


class Unclear(Exception):
    """The reference cannot settle it at its precision (a quantity within 10^-40 of 0), or it is huge."""


def real_value(node: Node) -> mpmath.mpf:
    """The reference at 100 digits."""
    if node.op == "num":
        return mpmath.mpf(node.value.numerator) / node.value.denominator
    if node.op == "name":
        value = NAME_VALUES[node.value]
        return mpmath.mpf(value.numerator) / value.denominator
    args = [real_value(a) for a in node.args]
    op, x = node.op, args[0]
    if op == "neg":
        return -x
    if op in "+-*/":
        b = args[1]
        if op == "/" and abs(b) < TINY:
            raise Unclear
        return x + b if op == "+" else x - b if op == "-" else x * b if op == "*" else x / b
    if op in ("sqrt", "log") and abs(x) < TINY:
        raise Unclear
    if op == "sqrt" and x < 0 or op == "log" and x < 0:
        raise Undefined
    if op in ("exp", "tanh", "sigmoid") and abs(x) > 20:
        raise Unclear  # keep the reference's values moderate; the parser's limits are tested elsewhere
    return {
        "sqrt": lambda: mpmath.sqrt(x),
        "log": lambda: mpmath.log(x),
        "exp": lambda: mpmath.exp(x),
        "tanh": lambda: mpmath.tanh(x),
        "sigmoid": lambda: 1 / (1 + mpmath.exp(-x)),
        "relu": lambda: max(x, mpmath.mpf(0)),
        "abs": lambda: abs(x),
        "max": lambda: max(args),
        "min": lambda: min(args),
    }[op]()


@SETTINGS
@given(function_trees(), st.sampled_from([plain, latex]))
def test_function_trees_agree_with_mpmath(tree, write):
    text = write(tree)
    try:
        expected = real_value(tree)
    except Undefined:
        event("undefined in the reals")
        with pytest.raises(InputError):
            _parsed_value(text)
        return
    except Unclear:
        event("unclear to the reference")
        return
    try:
        value = _parsed_value(text)
    except InputError as error:
        # sympy may not see that, say, sigmoid(x) + sigmoid(-x) - 1 is 0: then it is refused as such
        assert "cannot be told apart from 0" in str(error) and abs(expected) < TINY, (text, str(error))
        return
    event("compared with the reference")
    approx = mpmath.mpf(str(sympy.N(value, 60)))
    assert mpmath.almosteq(approx, expected, rel_eps=mpmath.mpf(10) ** -30, abs_eps=mpmath.mpf(10) ** -30), text
