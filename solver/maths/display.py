"""Building display formulas: sums and products kept unevaluated, in the order a textbook writes them.

sympy would reorder ``y − p`` into ``−p + y`` and merge ``½·2`` on its own; these helpers build
the tree as written, so the printers show the formula a course would.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from sympy import S


def _basic(value: sympy.Basic | int) -> sympy.Basic:
    return value if isinstance(value, sympy.Basic) else sympy.Integer(value)


def _is_plain_number(value: sympy.Basic) -> bool:
    """A number, or a number to a numeric power (the 1/2 of x/2)."""
    return value.is_Number or (value.is_Pow and value.base.is_Number and value.exp.is_Number)


def sum_of(terms: Sequence[sympy.Basic]) -> sympy.Basic:
    """t₁ + t₂ + …, nested sums merged; a single term is itself, no term is 0."""
    flat = [part for term in map(_basic, terms) for part in (term.args if term.is_Add else (term,))]
    if not flat:
        return S.Zero
    return flat[0] if len(flat) == 1 else sympy.Add(*flat, evaluate=False)


def product_of(factors: Sequence[sympy.Basic]) -> sympy.Basic:
    """f₁·f₂·…, nested products merged and numbers gathered in front (½·2 is 1, and is left out).

    A product of a single factor is that factor; of none, 1.
    """
    flat = [part for factor in map(_basic, factors) for part in (factor.args if factor.is_Mul else (factor,))]
    numbers = [f for f in flat if _is_plain_number(f)]
    with sympy.evaluate(True):
        coefficient = sympy.Mul(*(sympy.Pow(*f.args) if f.is_Pow else f for f in numbers))
    rest = [f for f in flat if not _is_plain_number(f)]
    if coefficient == 0:
        return S.Zero
    if coefficient != 1 or not rest:
        rest.insert(0, coefficient)
    return rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)


def minus(term: sympy.Basic) -> sympy.Basic:
    """−term, written as such."""
    return sympy.Mul(S.NegativeOne, term, evaluate=False)


def difference(left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
    """left − right."""
    return sympy.Add(left, minus(right), evaluate=False)


def quotient(numerator: sympy.Basic, denominator: sympy.Basic) -> sympy.Basic:
    """numerator/denominator."""
    return sympy.Mul(numerator, sympy.Pow(denominator, -1, evaluate=False), evaluate=False)


def textbook_order(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` rebuilt unevaluated in the order a textbook writes it: constant factors first in a
    product (√2·x₁·x₂, not x₁·x₂·√2), constant terms last in a sum (|x − 2|, not |−2 + x|)."""
    if expr.is_Atom or not expr.args:
        return expr
    args = [textbook_order(a) for a in expr.args]
    if expr.is_Add:
        return sympy.Add(*[a for a in args if a.free_symbols], *[a for a in args if not a.free_symbols],
                         evaluate=False)
    if expr.is_Mul:
        return sympy.Mul(*[a for a in args if not a.free_symbols], *[a for a in args if a.free_symbols],
                         evaluate=False)
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:
        return expr.func(*args)
