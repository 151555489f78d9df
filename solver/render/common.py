"""What every renderer needs: numbers rounded for display, and a step's line of numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import sympy

from solver import printing
from solver.evaluate import evaluate_decimal, tree_size
from solver.model import Derivation, Quantity, Scalar, Step
from solver.numbers import decimal_of_rational, plain_decimal, round_half_up, terminating_places

#: Longest closed form shown next to a rounded value (√2/4 ≈ 0.3536, 1/3 ≈ 0.3333).
MAX_CLOSED_FORM = 16

#: Most matrix elements substituted into one line of numbers before it stops helping.
MAX_NUMBER_CELLS = 16


@dataclass(frozen=True)
class Shown:
    """A scalar as displayed: its decimal text (ASCII minus), whether that is exact, and a short closed form."""

    digits: str
    exact: bool
    closed_form: sympy.Basic | None


def show(scalar: Scalar, decimals: int) -> Shown:
    """How a value is displayed at ``decimals`` places: exact when the decimal ends in time."""
    if scalar.is_rational:
        places = terminating_places(scalar.exact)
        if places is not None and places <= decimals:
            quantum = Decimal(1).scaleb(-places)
            return Shown(plain_decimal(decimal_of_rational(scalar.exact).quantize(quantum)), True, None)
        digits = plain_decimal(round_half_up(scalar.exact, decimals))
    else:
        digits = plain_decimal(round_half_up(scalar.approx, decimals))
    return Shown(digits, False, _informative_closed_form(scalar))


def _informative_closed_form(scalar: Scalar) -> sympy.Basic | None:
    """A closed form worth showing beside the decimal: short, and not merely a longer decimal."""
    closed = scalar.exact
    if closed is None or (closed.is_Rational and terminating_places(closed) is not None):
        return None
    if tree_size(closed, MAX_CLOSED_FORM) > MAX_CLOSED_FORM:
        return None
    return closed if len(printing.plain(closed, {})) <= MAX_CLOSED_FORM else None


def all_exact(quantity: Quantity, decimals: int) -> bool:
    return all(show(v, decimals).exact for v in quantity.values)


def grid(quantity: Quantity, decimals: int) -> list[list[str]]:
    """The quantity's values as rows of decimal texts."""
    return [[show(v, decimals).digits for v in row] for row in quantity.rows()]


def shows_numbers(step: Step, derivation: Derivation) -> bool:
    """Whether a line of numbers adds anything: the formula computes, and its matrices are small."""
    formula = step.shown_formula
    if formula.is_Atom or not formula.free_symbols:
        return False
    cells = 0
    for symbol in formula.free_symbols:
        quantity = derivation.by_symbol.get(symbol)
        if quantity is None:
            return False
        if symbol == quantity.symbol and not quantity.is_scalar:
            cells += len(quantity.cells)
    return cells <= MAX_NUMBER_CELLS


def numbers(
    step: Step,
    derivation: Derivation,
    decimals: int,
    scalar_text: Callable[[str], str],
    matrix_text: Callable[[Quantity], str],
) -> dict[sympy.Basic, str]:
    """What each symbol (and each value-shown function) of the step's formula is printed as."""
    formula = step.shown_formula
    values: dict[sympy.Basic, str] = {}
    for symbol in formula.free_symbols:
        quantity = derivation.by_symbol[symbol]
        if symbol == quantity.symbol and not quantity.is_scalar:
            values[symbol] = matrix_text(quantity)
        else:
            values[symbol] = scalar_text(show(derivation.cell_values[symbol], decimals).digits)
    for node in sympy.preorder_traversal(formula):
        if (
            getattr(node.func, "show_value_in_numbers", False)
            and node.free_symbols
            and all(s in derivation.cell_values for s in node.free_symbols)
        ):
            values[node] = scalar_text(show(_value_of(node, derivation), decimals).digits)
    return values


def _value_of(expr: sympy.Basic, derivation: Derivation) -> Scalar:
    """A small expression over scalar cells, evaluated exactly when it can be."""
    cells = {s: derivation.cell_values[s] for s in expr.free_symbols}
    if all(v.exact is not None for v in cells.values()):
        exact = expr.xreplace({s: v.exact for s, v in cells.items()})
        if exact.is_Rational:
            return Scalar(exact, decimal_of_rational(exact))
    return Scalar(None, evaluate_decimal(expr, {s: v.approx for s, v in cells.items()}))
