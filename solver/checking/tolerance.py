"""How far a written value may lie from a reference and still agree with it, and when a wrong value
matches a mistake variant.  Written precision decides both (DESIGN.md, "Answer files and verdicts").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from solver.reading.written import Written

EXACT_SLACK = Decimal("1e-40")
_HALF_PERCENT = Decimal("0.005")
_ONE_PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Tolerance:
    """How far a written value may lie from a reference and still agree with it.

    By default it follows the written precision: d decimals allow 1.5·10⁻ᵈ, but never more than
    the larger of 0.5 % of the reference and half a unit of the problem's display precision.
    ``rtol``/``atol`` (from the command line or the problem's ``tolerance``) replace that rule.
    """

    display_decimals: int
    rtol: Decimal | None = None
    atol: Decimal | None = None

    def allowed(self, decimals: int | None, reference: Decimal) -> Decimal:
        size = abs(reference)
        if self.rtol is not None or self.atol is not None:
            return max(self.atol or Decimal(0), (self.rtol or Decimal(0)) * size)
        if decimals is None:
            return EXACT_SLACK * max(size, Decimal(1))
        written = _WRITTEN.get(decimals)
        if written is None:
            written = Decimal(15).scaleb(-decimals - 1)
        cap = size * _HALF_PERCENT
        half_unit = _WRITTEN_HALF_UNIT[self.display_decimals]
        return min(written, cap if cap > half_unit else half_unit)

    def agrees(self, number: Decimal, decimals: int | None, reference: Decimal) -> bool:
        return abs(number - reference) <= self.allowed(decimals, reference)


#: 1.5·10⁻ᵈ for the usual written precisions, and half a unit of each display precision.
_WRITTEN = {d: Decimal(15).scaleb(-d - 1) for d in range(-10, 41)}
_WRITTEN_HALF_UNIT = {d: Decimal(5).scaleb(-d - 1) for d in range(0, 31)}


def matches_mistake(number: Decimal, decimals: int | None, variant: Decimal) -> bool:
    """A wrong value matches a mistake variant within 2.5 units of its last place, at most 1 %."""
    if decimals is None:
        return abs(number - variant) <= EXACT_SLACK * max(abs(variant), Decimal(1))
    allowed = min(Decimal(25).scaleb(-decimals - 1), max(abs(variant) * _ONE_PERCENT, EXACT_SLACK))
    return abs(number - variant) <= allowed


def all_agree(agrees, cells: list[int], read: list[Written], reference: list[Decimal]) -> bool:
    """Every written cell agrees with its reference."""
    return all(agrees(w.number, w.decimals, reference[c]) for c, w in zip(cells, read))


def proportional(agrees, cells: list[int], read: list[Written], reference: list[Decimal]) -> bool:
    """The written cells are one non-zero multiple of the reference (read from its largest cell)."""
    largest = max(range(len(cells)), key=lambda i: abs(reference[cells[i]]))
    if reference[cells[largest]] == 0 or read[largest].number == 0:
        return False
    factor = read[largest].number / reference[cells[largest]]
    return all(agrees(w.number, w.decimals, factor * reference[c]) for c, w in zip(cells, read))

