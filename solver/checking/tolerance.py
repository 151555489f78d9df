"""How far a written value may lie from a reference and still agree with it (DESIGN.md, "Answer files
and verdicts"): the written precision decides, widened by how far the student's own inputs may move.

A number written with d decimal places agrees within 1.5·10⁻ᵈ of its reference (students round,
truncate and carry slightly different digits) when it has at least ``min_significant`` significant
figures or equals the reference exactly.  With fewer figures it is *imprecise* when it agrees to every
digit written (it is the reference rounded or truncated to d places), and does not agree otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from solver.derivation.model import Derivation

EXACT_SLACK = Decimal("1e-40")
DEFAULT_MIN_SIGNIFICANT = 2
ZERO = Decimal(0)
#: As ``significant``: count the significant figures of the number itself (a plain number, as written).
COUNT = -1


class Agreement(Enum):
    """How a written value stands against a reference."""

    AGREES = "agrees"
    IMPRECISE = "imprecise"  # right to every digit written, but too few of them


#: 1.5·10⁻ᵈ and ½·10⁻ᵈ for the usual written precisions.
_WINDOW = {d: Decimal(15).scaleb(-d - 1) for d in range(-10, 41)}
_HALF_UNIT = {d: Decimal(5).scaleb(-d - 1) for d in range(-10, 41)}
_UNIT = {d: Decimal(1).scaleb(-d) for d in range(-10, 41)}


def half_unit(decimals: int | None) -> Decimal:
    """Half a unit of the last written place: how far a rounded value may lie from the digits behind it."""
    if decimals is None:
        return ZERO
    found = _HALF_UNIT.get(decimals)
    return found if found is not None else Decimal(5).scaleb(-decimals - 1)


def agrees_to_digits(number: Decimal, decimals: int, reference: Decimal, spread: Decimal = ZERO) -> bool:
    """Whether ``number`` is ``reference`` (give or take ``spread``) rounded or truncated to ``decimals`` places."""
    unit = _UNIT.get(decimals) or Decimal(1).scaleb(-decimals)
    gap = reference - number
    if abs(gap) <= unit / 2 + spread:
        return True
    away = (number or reference).copy_sign(Decimal(1))  # the direction truncation drops digits from
    return ZERO <= gap * away < unit + spread


@dataclass(frozen=True)
class Tolerance:
    """The acceptance rule of one check: written precision, or a problem's or user's ``rtol``/``atol``.

    ``display_decimals`` is how values computed for the student are shown; ``min_significant`` is the
    fewest significant figures a plain number must have to be more than *imprecise*.
    """

    display_decimals: int
    rtol: Decimal | None = None
    atol: Decimal | None = None
    min_significant: int = DEFAULT_MIN_SIGNIFICANT

    @classmethod
    def of(cls, derivation: Derivation, decimals: int | None = None, rtol: Decimal | None = None,
           atol: Decimal | None = None) -> "Tolerance":
        """The rule for checking a problem: its own ``tolerance`` table, unless ``rtol``/``atol`` are given."""
        if rtol is None and atol is None:
            rtol, atol = derivation.rtol, derivation.atol
        figures = derivation.min_significant
        return cls(derivation.decimals if decimals is None else decimals, rtol, atol,
                   DEFAULT_MIN_SIGNIFICANT if figures is None else figures)

    def window(self, decimals: int | None, reference: Decimal) -> Decimal:
        """How far a value written with ``decimals`` places may lie from ``reference``."""
        if self.rtol is not None or self.atol is not None:
            return max(self.atol or ZERO, (self.rtol or ZERO) * abs(reference))
        if decimals is None:
            return EXACT_SLACK * max(abs(reference), Decimal(1))
        found = _WINDOW.get(decimals)
        return found if found is not None else Decimal(15).scaleb(-decimals - 1)

    def judge(self, number: Decimal, decimals: int | None, significant: int | None, reference: Decimal,
              spread: Decimal = ZERO) -> Agreement | None:
        """``AGREES``, ``IMPRECISE`` or None (no agreement), ``spread`` widening the window.

        ``significant`` is the number's significant figures as written (``COUNT``: count them from the
        number), or None for a value not written as a plain number (an expression), which has no count.
        """
        gap = abs(number - reference)
        if gap > self.window(decimals, reference) + spread:
            return None
        if significant == COUNT:
            significant = len(number.as_tuple().digits) if number else 0
        if decimals is None or significant is None or significant >= self.min_significant or gap == 0:
            return Agreement.AGREES
        return Agreement.IMPRECISE if agrees_to_digits(number, decimals, reference, spread) else None

    def plainly_agrees(self, number: Decimal, decimals: int, reference: Decimal, text: str) -> bool:
        """The common case, decided fast: a plain number with enough figures (counted from its ``text``)
        within 1.5·10⁻ᵈ of the reference.  False means only "not decided here": call :meth:`judge`."""
        window = _WINDOW.get(decimals)
        if window is None or self.rtol is not None or self.atol is not None or abs(number - reference) > window:
            return False
        mantissa = text.lstrip(" \t+-").partition("e")[0].partition("E")[0]
        return len(mantissa.replace(".", "").replace("_", "").lstrip("0").rstrip(" \t")) >= self.min_significant

    def agrees(self, number: Decimal, decimals: int | None, reference: Decimal) -> bool:
        """Within the window (whatever the number of figures): the test a mistake variant is matched by."""
        return abs(number - reference) <= self.window(decimals, reference)
