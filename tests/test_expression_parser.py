"""The expression parser: what it accepts means what a reader expects, and what it refuses it names.

Expected values are written by hand (½, √2/4, …); the random-input properties are in
tests/hostile/test_parser_properties.py and the refusals inside problem files in
tests/hostile/test_corpus.py.
"""

from __future__ import annotations

import time

import pytest
import sympy
from sympy import E, Rational, Symbol, exp, log, pi, sqrt, tanh

from solver.errors import InputError
from solver.maths import functions as fn
from solver.reading.expression_parser import parse_expression, parse_number

x, z1, eta = Symbol("x"), Symbol("z1"), Symbol("eta")
NAMES = {"x": x, "z1": z1, "eta": eta}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.01", Rational(1, 100)),
        ("1/3", Rational(1, 3)),
        ("-0.5e-2", Rational(-1, 200)),
        (".5", Rational(1, 2)),
        ("2^10", 1024),
        ("2^3^2", 512),
        ("2**-1", Rational(1, 2)),
        ("-2^2", -4),
        ("3 × 4 ÷ 6 − 1", 1),
        ("2·3", 6),
        ("sqrt(2)/2", sqrt(2) / 2),
        ("SQRT(8)", 2 * sqrt(2)),
        ("e^2", exp(2)),
        ("exp(1)", E),
        ("log(e)", 1),
        ("ln(1)", 0),
        ("tanh(0)", 0),
        ("sigmoid(0)", Rational(1, 2)),
        ("relu(-3)", 0),
        ("abs(-3)", 3),
        ("max(1, 2, 1/3)", 2),
        ("min(1, 2, 1/3)", Rational(1, 3)),
        ("pi", pi),
        ("π", pi),
        ("10⁻³", Rational(1, 1000)),
        ("2²", 4),
        ("√(4)", 2),
        ("  7\t", 7),
        ("0**0", 1),
    ],
)
def test_plain_syntax(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (r"\frac{1}{2\sqrt{2}}", sqrt(2) / 4),
        (r"\frac12", Rational(1, 2)),
        (r"\frac{3}{4}", Rational(3, 4)),
        (r"\dfrac{1}{3}", Rational(1, 3)),
        (r"2\sqrt{2}", 2 * sqrt(2)),
        (r"\sqrt2", sqrt(2)),
        (r"\sqrt[3]{8}", 2),
        (r"3 \cdot 4", 12),
        (r"3 \times 4 \div 6", 2),
        (r"\left(\frac{1}{2}\right)^{2}", Rational(1, 4)),
        (r"\left[1 + 1\right]^2", 4),
        (r"\left| -2 \right|", 2),
        (r"2^{10}", 1024),
        (r"10^{-3}", Rational(1, 1000)),
        (r"e^{2}", exp(2)),
        (r"e^{-1}", exp(-1)),
        (r"\exp(1)", E),
        (r"\ln(1)", 0),
        (r"\tanh\left(0\right)", 0),
        (r"\sigma(0)", Rational(1, 2)),
        (r"\max(1, 2)", 2),
        (r"\operatorname{ReLU}(-1)", 0),
        (r"\pi", pi),
        (r"$\frac{1}{4}$", Rational(1, 4)),
        (r"2\,\cdot\,3", 6),
        (r"{2}{3}", 6),
        (r"$(2)(3)$", 6),
        (r"$$\quad 2 \; \sqrt{9}$$", 6),
        (r"\frac{1}{2}\sqrt{2}", sqrt(2) / 2),
        (r"2.5e-3 \cdot 2", Rational(1, 200)),
    ],
)
def test_latex_subset(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (r"e^{z_1}", exp(z1)),
        (r"e^{z_{1}}", exp(z1)),
        ("z_1 + 1", z1 + 1),
        ("z₁", z1),
        ("Z1", z1),
        (r"$2x$", 2 * x),
        (r"$2 x$", 2 * x),
        (r"$x(1 + x)$", x * (1 + x)),
        (r"\eta \cdot z_1", eta * z1),
        (r"\frac{x}{2}", x / 2),
        ("x²", x**2),
        (r"\sigma(z_1)(1 - \sigma(z_1))", fn.sigmoid(z1) * (1 - fn.sigmoid(z1))),
        ("sigmoid(z1) * (1 - sigmoid(z1))", fn.sigmoid(z1) * (1 - fn.sigmoid(z1))),
        ("tanh(x)^2", tanh(x) ** 2),
        ("log(x)", log(x)),
        ("2^x", 2**x),
    ],
)
def test_names(text, expected):
    assert parse_expression(text, NAMES) == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("(1).real", "attribute"),
        ("__import__('os')", "not allowed"),
        ("__class__", "not allowed"),
        ("lambda: 1", "lambda"),
        ("[x for x in (1,)]", "comprehension"),
        ("f'{1}'", "f-string"),
        ("(y := 1)", "assignment"),
        ("x[1]", "subscript"),
        ("foo(1)", "function 'foo' is not allowed"),
        ("max(1, key=2)", "keyword"),
        ("max(*(1, 2))", "starred"),
        ("0x1F", "hexadecimal"),
        ("0o17", "octal"),
        ("0b101", "binary"),
        ("1_000", "underscores"),
        ("1j", "complex"),
        ("True", "not a number"),
        ("...", "not a number"),
        ("'1'", "str"),
        ("٣", "digits 0-9"),
        ("１", "digits 0-9"),
        ("½", "digits 0-9"),
        ("1\u200b2", "invisible"),
        ("1\u202e2", "invisible"),
        ("1\x07", "control character"),
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("-Infinity", "not a finite number"),
        ("1/0", "division by zero"),
        ("0^-1", "division by zero"),
        ("log(0)", "not positive"),
        ("log(-1)", "not positive"),
        ("sqrt(-1)", "negative"),
        ("sqrt(1 - sqrt(2))", "negative"),
        ("(-8)^(1/3)", "not real"),
        ("1/(sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)))", "cannot be told apart from 0"),
        ("log(6) - log(2) - log(3)", "cannot be told apart from 0"),
        ("1,5", "decimals with a point"),
        ("2x", "write * between factors"),
        ("2 sqrt(2)", "write * between factors"),
        ("x", "unknown name 'x'"),
        ("1 < 2", "comparison"),
        ("1 if 1 else 2", "conditional"),
        ("not 1", "'not'"),
        ("7 % 2", "'%'"),
        ("7 // 2", "'//'"),
        ("1 @ 2", "'@'"),
        ("sqrt", "is a function"),
        ("sqrt(1, 2)", "takes 1 argument"),
        (r"\input{/etc/passwd}", r"\input is not supported"),
        (r"\def\x{1}", r"\def is not supported"),
        (r"\infty", "infinity"),
        (r"1/2\sqrt{2}", "ambiguous"),
        (r"x^23 \cdot 1", "in braces"),
        (r"z_12 \cdot 1", "in braces"),
        (r"e^-1 \cdot 1", "in braces"),
        (r"\frac123", "braces"),
        (r"{x^{2}}^{3}^{4}", "double superscript"),
        (r"\left( 1 \right]", "closed by"),
        (r"\left( 1", "without a matching"),
        (r"\frac{1}{2", "to close"),
        (r"[1]", "lists are not allowed"),
        (r"\left(1\right) [1]", "square brackets"),
        (r"2 3 \cdot 1", "side by side"),
    ],
)
def test_refusals_say_what_is_wrong(text, words):
    with pytest.raises(InputError) as caught:
        parse_number(text)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text, words",
    [
        ("9" * 61, "more than 60 digits"),
        ("1e401", "exponent"),
        ("9^9^9", "exponent"),
        ("2^2^2^2^2", "exponent 65536"),
        ("2^1001", "exponent 1001"),
        ("10^999 * 10^999 * 10^999", "2000 digits"),
        ("(123456789/987654321)^1000", "digits"),
        ("exp(exp(exp(10)))", "too large"),
        ("exp(10001)", "too large"),
        ("exp(4000) * exp(4000)", "larger than 10^2000"),
        ("tanh(1e300)", "too large"),
        ("(sqrt(2) * 10^1000)^2", "digits"),
        ("sqrt(" + "9" * 60 + " * " + "9" * 50 + ")", "root of a number with more than 100 digits"),
        ("sqrt(" + "7" * 60 + ") * sqrt(" + "3" * 59 + ")", "product of roots"),
        ("1" * 1001, "characters long"),
        ("1" * 100_000, "characters long"),
        ("(" * 31 + "1" + ")" * 31, "nested 31 deep"),
        ("-" * 500 + "1", "parts"),
        ("+".join(["x"] * 200), "parts"),
        ("sqrt(1 + " * 16 + "2" + ")" * 16, "nested more than 30 deep"),
        (r"\frac{1}{" * 31 + "2" + "}" * 31, "nested"),
    ],
)
def test_absurd_work_is_refused_quickly(text, words):
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_expression(text, NAMES)
    assert words in str(caught.value)
    assert time.perf_counter() - start < 1.0


def test_a_long_flat_sum_is_not_mistaken_for_deep_nesting():
    assert parse_number("+".join(["1"] * 100)) == 100


def test_declared_names_take_precedence_over_constants():
    assert parse_expression("e + 1", {"e": x}) == x + 1


def test_accepted_values_are_exact_and_never_binary_floats():
    value = parse_number("0.1 + 0.2")
    assert value == Rational(3, 10)
    assert not value.has(sympy.Float)


def test_latex_is_limited_by_what_was_written_not_by_its_translation():
    """Fourteen nested fractions are 28 levels of LaTeX, though their translation has more parentheses."""
    text = r"\frac{1}{1 + " * 14 + "1" + "}" * 14
    assert 0 < parse_number(text) < 1
    long_sum = "+".join([r"\frac{1}{2}"] * 40)
    assert parse_number(long_sum) == 20
