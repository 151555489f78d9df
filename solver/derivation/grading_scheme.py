"""What a problem asks for and what each answer is worth: the asked keys, their points, and the
credit each verdict earns (DESIGN.md, "Grading").  Kinds never fill this in; the catalogue reads a
problem file's ``[grading]`` table into it for every kind alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

#: Every verdict a key can get, best first.
VERDICTS = ("correct", "follows_through", "imprecise", "wrong", "invalid", "missing")

#: Credit per verdict when a problem does not say: full for correct and follows-through, half for
#: imprecise, none otherwise.
DEFAULT_CREDIT: dict[str, Fraction] = {
    "correct": Fraction(1),
    "follows_through": Fraction(1),
    "imprecise": Fraction(1, 2),
    "wrong": Fraction(0),
    "invalid": Fraction(0),
    "missing": Fraction(0),
}


@dataclass(frozen=True)
class GradingScheme:
    """The asked step keys in derivation order, the points of each, and the credit per verdict."""

    keys: tuple[str, ...]
    points: tuple[Fraction, ...]
    credit: tuple[tuple[str, Fraction], ...] = tuple(DEFAULT_CREDIT.items())
    #: Whether the problem file set the asked keys itself (else every key is asked).
    chosen: bool = False

    @property
    def max_score(self) -> Fraction:
        return sum(self.points, Fraction(0))


def every_key(step_keys: tuple[str, ...]) -> GradingScheme:
    """The default: every step asked, one point each, the default credit."""
    return GradingScheme(step_keys, (Fraction(1),) * len(step_keys))
