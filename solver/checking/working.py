"""One student's working through a derivation: the value of every quantity as they have it, how far
each may lie from the digits behind it, and which carry a slip.

A value the student wrote is carried as written: the next step on paper is computed from it (or from
the calculator's fuller digits, which lie within half a unit of its last place, and within the spread
of its own formula on the student's values when that is where it came from).  That is its *spread*; a
quantity the student did not write is carried as its formula on the student's values, its spread
propagated from its inputs'.  A step's reference is its formula on the student's values,
and the window around it is widened by the spread propagated through the formula: how far the result
can move as each input moves within its own spread (first order, by evaluating the formula at each
input's ends, which also covers a kink such as ReLU's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sympy

from solver.checking.tolerance import ZERO, half_unit
from solver.maths.evaluate import DECIMAL, Fn, compile_formula

INFINITE = Decimal("Infinity")
_FAILURES = (ArithmeticError, TypeError, ValueError)


@dataclass(frozen=True)
class Formula:
    """A compiled cell formula and the slots of the values it reads."""

    fn: Fn
    inputs: tuple[int, ...]


def compile_cell(expr: sympy.Basic, slots: dict[sympy.Symbol, int]) -> Formula:
    """``expr`` compiled over the plan's slots, with the slots it reads."""
    inputs = tuple(sorted({slots[s] for s in expr.free_symbols}))
    return Formula(compile_formula(expr, slots, DECIMAL), inputs)


class Working:
    """Values, spreads and slips of one answer file; call inside ``localcontext(NUMERIC)``.

    ``spreads`` holds None for a quantity whose spread has not been needed yet: it is propagated from
    its producing formula only when a later step asks (most answers agree with the exact value and
    never do).
    """

    __slots__ = ("values", "spreads", "producers", "tainted", "written", "rounding")

    def __init__(self, base: Sequence[Decimal], spreads: Sequence[Decimal | None], producers: Sequence[Formula | None]):
        self.values: list[Decimal | None] = list(base)
        self.spreads: list[Decimal | None] = list(spreads)
        self.producers = producers
        self.tainted: set[int] = set()
        self.written: dict[int, int | None] = {}
        self.rounding: dict[int, Decimal] = {}

    # --- values -----------------------------------------------------------------------------

    def evaluate(self, formula: Formula) -> Decimal | None:
        """The formula on the student's values; None where it cannot be computed from them (a division by
        a zero they wrote, the logarithm of one: Decimal gives an infinity there rather than raising)."""
        try:
            value = +formula.fn(self.values)
        except _FAILURES:
            return None
        return value if value.is_finite() else None

    def write(self, slot: int, number: Decimal, decimals: int | None) -> None:
        """A value the student wrote: carried as written, give or take half a unit of its last place (a
        whole number is taken as meant: a student with fuller digits would have written some)."""
        self.values[slot] = number
        self.written[slot] = decimals
        if decimals:
            self.spreads[slot] = None
            self.rounding[slot] = half_unit(decimals)
        else:
            self.spreads[slot] = ZERO

    def carry(self, slot: int, formula: Formula) -> None:
        """A value the student did not write: their own working's, its spread left until needed."""
        self.values[slot] = self.evaluate(formula)
        self.spreads[slot] = None
        if self.tainted and self.inputs_tainted(formula):
            self.tainted.add(slot)

    # --- slips --------------------------------------------------------------------------------

    def inputs_tainted(self, formula: Formula) -> bool:
        """Whether the formula reads a value that carries one of the student's slips."""
        tainted = self.tainted
        return bool(tainted) and any(i in tainted for i in formula.inputs)

    # --- spreads ------------------------------------------------------------------------------

    def spread(self, formula: Formula) -> Decimal:
        """How far the formula's value may move as each input moves within its own spread."""
        values = self.values
        total = ZERO
        base: Decimal | None = None
        for i in formula.inputs:
            s = self.slot_spread(i)
            if not s:
                continue
            x = values[i]
            if s is INFINITE or x is None:
                return INFINITE
            if base is None:
                base = self.evaluate(formula)
                if base is None:
                    return INFINITE
            worst = ZERO
            for moved in (x + s, x - s):
                values[i] = moved
                value = self.evaluate(formula)
                values[i] = x
                if value is None:
                    return INFINITE
                worst = max(worst, abs(value - base))
            total += worst
        return total

    def slot_spread(self, slot: int) -> Decimal:
        """The spread of one value, propagating it (without recursion) from the quantities it was made of."""
        spreads = self.spreads
        found = spreads[slot]
        if found is not None:
            return found
        stack = [slot]
        while stack:
            top = stack[-1]
            if spreads[top] is not None:
                stack.pop()
                continue
            formula = self.producers[top]
            pending = [i for i in formula.inputs if spreads[i] is None]
            if pending:
                stack.extend(pending)
                continue
            spreads[top] = self._own_spread(top, formula)
            stack.pop()
        return spreads[slot]

    def _own_spread(self, slot: int, formula: Formula) -> Decimal:
        """A carried value's spread through its formula; a written one's, at most half a unit of its last
        place, and no more than its distance from its formula's value plus that value's spread."""
        through = self.spread(formula)
        half = self.rounding.get(slot)
        if half is None:
            return through
        mine = self.evaluate(formula)
        if mine is None or through is INFINITE:
            return half
        return min(half, abs(self.values[slot] - mine) + through)
