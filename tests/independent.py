"""Independent references for the tests: the same quantities computed another way.

Forward passes written directly in mpmath at 50 digits (never through the solver's code),
finite differences of them, and helpers to evaluate the solver's symbolic expressions by
sympy's own arithmetic at chosen points.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy

from solver.kinds import catalog

DIGITS = 50
mpmath.mp.dps = DIGITS


def solve_text(text: str, name: str = "test.toml"):
    """Solve a problem given as TOML text."""
    return catalog.load_text(text.encode(), name)


def values(derivation, key: str) -> list:
    """A quantity's values as mpmath numbers, row-major."""
    return [mpmath.mpf(str(v.approx)) for v in derivation.by_key[key.lower()].values]


def close(a, b, digits: int = 40) -> bool:
    """Equal to ``digits`` significant digits (absolutely, for values near 0)."""
    a, b = mpmath.mpf(str(a)), mpmath.mpf(str(b))
    return abs(a - b) <= mpmath.mpf(10) ** (-digits) * max(1, abs(a), abs(b))


def at_point(expr: sympy.Basic, point: dict) -> mpmath.mpf:
    """A sympy expression at exact rational values of its symbols, by sympy's own evaluation."""
    exact = expr.xreplace({s: sympy.Rational(v) for s, v in point.items()})
    return mpmath.mpf(str(sympy.N(exact, DIGITS + 5)))


def sigmoid(t):
    return 1 / (1 + mpmath.exp(-t))


def softmax_ce(z: list, y: list):
    """(p, L) for logits z and labels y, in mpmath."""
    exps = [mpmath.exp(v) for v in z]
    total = sum(exps)
    p = [e / total for e in exps]
    return p, -sum(t * mpmath.log(q) for q, t in zip(p, y))


def partial_derivative(f, point: list, i: int):
    """∂f/∂(argument i) at ``point`` by mpmath's high-precision numerical differentiation."""
    def along(t):
        moved = list(point)
        moved[i] = t
        return f(moved)
    return mpmath.diff(along, point[i])


def rational_text(value: Fraction) -> str:
    return f'"{value.numerator}/{value.denominator}"'
