"""Whether two formulas are the same function: exact simplification, then random rational points.

A student's formula is over the problem's quantities (``p1 - y1``); each computed quantity is
replaced by its symbolic form in the problem's free symbols before comparing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal, localcontext

import sympy

from solver.maths.evaluate import DECIMAL, compile_formula, tree_size
from solver.maths.numbers import NUMERIC

#: Largest difference (tree nodes) handed to sympy's simplify; larger ones go by points only.
MAX_SIMPLIFY_NODES = 150
POINTS = 6


def symbolically_equal(
    formula: sympy.Basic, target: sympy.Basic, forms: Mapping[sympy.Symbol, sympy.Basic], seed: int = 0
) -> bool:
    """True when ``formula`` (with ``forms`` substituted) equals ``target`` identically."""
    expr = formula.xreplace(dict(forms))
    difference = expr - target
    if difference == 0:
        return True
    if tree_size(difference, MAX_SIMPLIFY_NODES) <= MAX_SIMPLIFY_NODES:
        try:
            if sympy.simplify(difference) == 0:
                return True
        except (TypeError, ValueError, RecursionError):
            pass
    return _zero_at_random_points(difference, seed)


def _zero_at_random_points(difference: sympy.Basic, seed: int) -> bool:
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    slots = {s: i for i, s in enumerate(symbols)}
    try:
        fn = compile_formula(difference, slots, DECIMAL)
    except NotImplementedError:
        return False
    rng = random.Random(seed)
    tried = 0
    with localcontext(NUMERIC):
        for _ in range(4 * POINTS):
            point = [Decimal(rng.randint(-30, 30)) / Decimal(rng.randint(7, 17)) for _ in symbols]
            try:
                value = fn(point)
            except ArithmeticError:
                continue  # outside the domain (a log of a negative); try another point
            tried += 1
            if abs(value) > Decimal("1e-30"):
                return False
            if tried == POINTS:
                return True
    return False
