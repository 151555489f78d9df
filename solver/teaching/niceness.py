"""Is a variant a fair exercise by hand?  The rules its steps' tags stand for, and the file's own conditions.

Each kind tags its steps (:mod:`solver.derivation.model`: worked by hand, a ReLU input, a gradient,
a softmax output, a support vector's α, one of several right answers); the rules here are the same
for every kind and read nothing but the tags and the values.  A problem's ``[vary] require``
conditions come on top.  The first rule a variant breaks is reported, with the key it broke it at,
so that a search can say which condition rejected most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

import sympy

from solver.derivation.model import (
    CLASSIFIED,
    DIFFERENT,
    DISTINCT,
    GRADIENT,
    HAND_WORKED,
    KINK,
    ONE_OF_MANY,
    POSITIVE,
    Derivation,
    Quantity,
    Scalar,
)
from solver.errors import InputError
from solver.maths import functions as fn
from solver.maths.evaluate import DECIMAL, RATIONAL, NotRational, compile_formula
from solver.maths.numbers import NUMERIC, round_half_up, terminating_places
from solver.reading.conditions import Condition, parse_condition

#: Two values closer than this (relative) count as equal when a condition compares irrational values.
EQUAL_SLACK = Decimal("1e-40")


@dataclass(frozen=True)
class Violation:
    """The rule a variant breaks (its condition, as the report names it) and the key it breaks it at."""

    condition: str
    key: str


@dataclass(frozen=True)
class Requirement:
    """A ``require`` condition, read against the problem's keys, with where it was written."""

    where: str
    condition: Condition


@dataclass(frozen=True)
class Rules:
    """What a nice variant keeps true: short decimals by hand (``max_places``) and the file's conditions."""

    max_places: int
    requirements: tuple[Requirement, ...] = ()


def hand_worked_rule(max_places: int) -> str:
    return f"a value worked by hand is not a decimal of at most {max_places} places"


KINK_RULE = "a ReLU input at or within one display unit of 0"
GRADIENT_RULE = "a gradient is 0 at the display precision"
DISTINCT_RULE = "a tie: two softmax outputs equal at the display precision"
DIFFERENT_RULE = "two points at the same place"
CLASSIFIED_RULE = "a query point on the decision boundary (it gets no class)"
POSITIVE_RULE = "a support vector with α = 0 (a point on the margin that the solution does not use)"
ONE_OF_MANY_RULE = "an answer that is not unique (one of several equally right values)"


def read_requirements(conditions: Sequence[tuple[str, str]], derivation: Derivation) -> tuple[Requirement, ...]:
    """The ``require`` texts read against the keys of a solved problem; errors name the condition's path."""
    quantities = {q.key.lower(): sympy.Matrix(*q.shape, list(q.cells)) for q in derivation.quantities()}
    out = []
    for where, text in conditions:
        try:
            out.append(Requirement(where, parse_condition(text, quantities)))
        except InputError as error:
            raise error.within(where) from None
    return tuple(out)


def violation(derivation: Derivation, rules: Rules) -> Violation | None:
    """The first rule ``derivation`` breaks, or None when it is a nice exercise."""
    decimals = derivation.decimals
    unit = Decimal(1).scaleb(-decimals)
    groups: dict[str, list[tuple[Quantity, tuple[Decimal, ...]]]] = {}
    rational = _rational_arithmetic(derivation)
    for quantity in derivation.quantities():
        if not quantity.tags:
            continue
        found = _tag_violation(quantity, rules.max_places, unit, decimals, quantity.key in rational)
        if found is not None:
            return found
        shown = tuple(round_half_up(v.approx, decimals) for v in quantity.values)
        for tag in quantity.tags:
            if tag.startswith(DISTINCT + ":"):  # element by element
                groups.setdefault(tag, []).extend((quantity, (v,)) for v in shown)
            elif tag.startswith(DIFFERENT + ":"):  # whole quantities
                groups.setdefault(tag, []).append((quantity, shown))
    for tag, members in groups.items():
        seen: set[tuple[Decimal, ...]] = set()
        for quantity, value in members:
            if value in seen:
                return Violation(DISTINCT_RULE if tag.startswith(DISTINCT) else DIFFERENT_RULE, quantity.key)
            seen.add(value)
    for requirement in rules.requirements:
        if not holds(requirement.condition, derivation):
            return Violation(f"{requirement.where}: {requirement.condition.text}", "")
    return None


def _rational_arithmetic(derivation: Derivation) -> set[str]:
    """The keys of the quantities worked out by rational arithmetic alone from rational givens: no root,
    exponential, logarithm, sigmoid or tanh on the way.  Only these must come out as short decimals; a
    margin 1/‖w‖ that happens to be rational (1/3) is rounded like any root."""
    rational: set[sympy.Symbol] = set()
    keys = set()
    for quantity in derivation.quantities():
        formulas = getattr(quantity, "cell_formulas", None)
        if formulas is None:
            ok = all(v.is_rational for v in quantity.values)
        else:
            ok = all(_rational_formula(f) and f.free_symbols <= rational for f in formulas)
        if ok:
            rational.update(quantity.cells)
            keys.add(quantity.key)
    return keys


_IRRATIONAL_FUNCTIONS = (sympy.exp, sympy.log, sympy.tanh, fn.sigmoid)


def _rational_formula(formula: sympy.Basic) -> bool:
    """Whether a formula takes rational values to rational values (no root, exp, log, σ or tanh in it)."""
    if formula.atoms(*_IRRATIONAL_FUNCTIONS) or formula.has(sympy.E, sympy.pi):
        return False
    return all(power.exp.is_Integer for power in formula.atoms(sympy.Pow))


def _tag_violation(step: Quantity, max_places: int, unit: Decimal, decimals: int,
                   rational: bool) -> Violation | None:
    tags = step.tags
    if ONE_OF_MANY in tags:
        return Violation(ONE_OF_MANY_RULE, step.key)
    for value in step.values:
        if HAND_WORKED in tags and rational and value.is_rational:
            places = terminating_places(value.exact)
            if places is None or places > max_places:
                return Violation(hand_worked_rule(max_places), step.key)
        if KINK in tags and abs(value.approx) <= unit:
            return Violation(KINK_RULE, step.key)
        if GRADIENT in tags and round_half_up(value.approx, decimals) == 0:
            return Violation(GRADIENT_RULE, step.key)
        if POSITIVE in tags and not value.approx > 0:
            return Violation(POSITIVE_RULE, step.key)
        if CLASSIFIED in tags and value.approx == 0:
            return Violation(CLASSIFIED_RULE, step.key)
    return None


def holds(condition: Condition, derivation: Derivation) -> bool:
    """Whether every comparison of ``condition`` holds at the derivation's values (exactly where rational)."""
    values = derivation.cell_values
    symbols = sorted(condition.symbols, key=lambda s: s.name)
    if any(s not in values for s in symbols):
        return False
    slots = {s: i for i, s in enumerate(symbols)}
    known = [values[s] for s in symbols]
    for left, op, right in condition.links:
        difference = _difference(left - right, slots, known)
        if not _compare(difference, op):
            return False
    return True


def _difference(expr: sympy.Basic, slots: dict, known: list[Scalar]) -> Fraction | Decimal:
    if all(v.is_rational for v in known):
        try:
            return compile_formula(expr, slots, RATIONAL)([Fraction(int(v.exact.p), int(v.exact.q)) for v in known])
        except NotRational:
            pass
    with localcontext(NUMERIC):
        value = +compile_formula(expr, slots, DECIMAL)([v.approx for v in known])
    scale = max([abs(v.approx) for v in known] + [Decimal(1)])
    return Decimal(0) if abs(value) <= EQUAL_SLACK * scale else value


def _compare(difference: Fraction | Decimal, op: str) -> bool:
    return {
        "<": difference < 0, "<=": difference <= 0, ">": difference > 0,
        ">=": difference >= 0, "==": difference == 0, "!=": difference != 0,
    }[op]
