"""What every renderer needs: numbers rounded for display, and a step's line of numbers."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from solver.derivation.model import Derivation, Quantity, Scalar, Step
from solver.derivation.questions import Question
from solver.maths.evaluate import evaluate_decimal, tree_size
from solver.maths.notation import Notation
from solver.maths.numbers import decimal_of_rational, plain_decimal, round_half_up, rounded_text, terminating_places
from solver.render import printing

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
    """How a value is displayed at ``decimals`` places: exact when the decimal ends in time; past
    10^15 as a mantissa and a power of ten (``1.2000e+300``), exact when that is the value."""
    if scalar.is_rational:
        digits = rounded_text(scalar.exact, decimals)
        if "e" in digits:
            return Shown(digits, sympy.Rational(digits.replace("e+", "e")) == scalar.exact, None)
        places = terminating_places(scalar.exact)
        if places is not None and places <= decimals:
            return Shown(plain_decimal(round_half_up(scalar.exact, places)), True, None)
    else:
        digits = rounded_text(scalar.approx, decimals)
    return Shown(digits, False, _informative_closed_form(scalar))


def array_text(texts: list[str], shape: tuple[int, int]) -> str:
    """Texts of a vector as ``[a, b]``, of a matrix row by row as ``[[a, b], [c, d]]`` (plain text)."""
    rows, cols = shape
    if rows == 1 or cols == 1:
        return "[" + ", ".join(texts) + "]"
    return "[" + ", ".join("[" + ", ".join(texts[r * cols:(r + 1) * cols]) + "]" for r in range(rows)) + "]"


def exponent_form(digits: str, times: str, power) -> str:
    """A displayed number with its power of ten written for a medium: ``1.2×10³⁰⁰`` or
    ``1.2 \\times 10^{300}``; ``power`` writes the exponent."""
    if "e" not in digits:
        return digits
    mantissa, exponent = digits.split("e")
    return f"{mantissa}{times}10{power(exponent.lstrip('+'))}"


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


# --- sets and equations -------------------------------------------------------------------------


def set_text(quantity: Quantity, name: Callable[[str], str], empty: str, braces: tuple[str, str] = ("{", "}")) -> str:
    """A set-valued quantity as its members, ``{B, C}``, each written by ``name``."""
    members = quantity.members()
    if not members:
        return empty
    return braces[0] + ", ".join(name(m) for m in members) + braces[1]


def coefficient_text(scalar: Scalar, decimals: int, closed: Callable[[sympy.Basic], str]) -> str:
    """A number inside an equation: its decimal when exact, else a short closed form, else rounded."""
    shown = show(scalar, decimals)
    if shown.exact or shown.closed_form is None:
        return shown.digits
    return closed(shown.closed_form)


def equation_text(
    quantity: Quantity,
    number: Callable[[Scalar], str],
    variable: Callable[[Notation], str],
    join: Callable[[str, str], str],
    minus: str,
) -> str:
    """An equation-valued quantity written out, ``−2x₁ + 5 = 0``: rational coefficients scaled to
    whole numbers with no common factor (the same equation), zero terms left out, unit coefficients
    not written; ``number`` writes a magnitude, ``join`` puts it before a variable."""
    variables: list[Notation | None] = [*quantity.equation_of, None]
    parts = []
    for value, var in zip(_whole_multiple(quantity.values), variables):
        if value.approx == 0:
            continue
        negative = value.approx < 0
        magnitude = Scalar(None if value.exact is None else abs(value.exact), abs(value.approx))
        if var is None:
            body = number(magnitude)
        elif magnitude.exact == 1:
            body = variable(var)
        else:
            body = join(number(magnitude), variable(var))
        if not parts:
            parts.append((minus if negative else "") + body)
        else:
            parts.append((f" {minus} " if negative else " + ") + body)
    return "".join(parts or ["0"]) + " = 0"


def plain_equation(quantity: Quantity) -> str:
    """An equation-valued quantity as plain text for programs and reports, ``-2*x1 + 5 = 0``."""

    def number(v: Scalar) -> str:
        text = sympy.sstr(v.exact) if v.exact is not None else plain_decimal(v.approx)
        return text if v.exact is None or v.exact.is_Atom else f"({text})"

    return equation_text(quantity, number, lambda n: n.plain, lambda c, v: f"{c}*{v}", "-")


def _whole_multiple(values: tuple[Scalar, ...]) -> tuple[Scalar, ...]:
    """Rational coefficients times the positive factor that makes them coprime whole numbers."""
    if not all(v.is_rational for v in values) or all(v.exact == 0 for v in values):
        return values
    denominators = math.lcm(*(int(v.exact.q) for v in values))
    whole = [int(v.exact.p) * (denominators // int(v.exact.q)) for v in values]
    common_factor = math.gcd(*whole)
    return tuple(Scalar.of(sympy.Integer(c // common_factor)) for c in whole)



# --- question sheets ----------------------------------------------------------------------------


def answer_form(question: Question) -> str:
    """The form an answer takes, in words: ``number``, ``vector of 3``, ``2×3 matrix``,
    ``set of names from A, B, C``, ``equation in x₁, x₂``; and what it is worth when the problem
    gives points (``number, 2 points``)."""
    form = _form(question)
    if question.points is None:
        return form
    return f"{form}, {question.points} point{'' if question.points == 1 else 's'}"


def _form(question: Question) -> str:
    rows, cols = question.shape
    if question.form == "set":
        return "set of names from " + ", ".join(question.labels)
    if question.form == "equation":
        return "equation in " + ", ".join(n.text for n in question.variables)
    if question.form == "vector":
        return f"vector of {rows * cols}"
    if question.form == "matrix":
        return f"{rows}×{cols} matrix"
    return "number"
