"""parse_formula: formulas over vectors and matrices, kept as written, under the parser's whitelist."""

from __future__ import annotations

import pytest
import sympy

from solver.errors import InputError
from solver.maths import functions as fn
from solver.reading.expression_parser import parse_formula
from solver.render.printing import text

W, x, h = (sympy.Symbol(n, commutative=False) for n in ("W", "x", "h"))
S = sympy.Symbol("S")
NAMES = {"W": W, "x": x, "h": h, "S": S}


@pytest.mark.parametrize("source,printed", [
    ("W @ x", "W·x"),
    ("W * h + x", "W·h + x"),
    ("1/2 * norm(x - h)^2", "½·‖x − h‖²"),
    ("transpose(x) * h", "xᵀ·h"),
    ("hadamard(x, sigmoid(h))", "x ⊙ σ(h)"),
    ("2*3*S - S/4", "6·S − S/4"),
])
def test_kept_as_written(source, printed):
    assert text(parse_formula(source, NAMES), {}) == printed


def test_numbers_alone_are_computed_exactly():
    formula = parse_formula("sigmoid(0) * S + 0.1", NAMES)
    assert formula.args[0] == sympy.Mul(sympy.Rational(1, 2), S, evaluate=False)
    assert formula.args[1] == sympy.Rational(1, 10)


def test_functions_of_names_stay_unevaluated():
    formula = parse_formula("exp(x)", NAMES)
    assert formula.func is sympy.exp and formula.args == (x,)
    assert parse_formula("norm(x)", NAMES).func is fn.norm


@pytest.mark.parametrize("source,message", [
    ("x.T", "attribute access"),
    ("x[1]", "subscripts"),
    ("lambda: x", "lambda"),
    ("open(x)", "function 'open' is not allowed"),
    ("norm(x, h)", "norm takes 1 argument"),
    ("x ** S", "an exponent must be a number"),
    ("S / 0", "division by zero"),
    ("S ** 100000", "too large"),
    ("q + x", "unknown name 'q'"),
    ("x % 2", "operator Mod is not allowed"),
    ("(" * 40 + "x" + ")" * 40, "nested"),
])
def test_refused(source, message):
    with pytest.raises(InputError, match=message):
        parse_formula(source, NAMES)
