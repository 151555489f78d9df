"""Naming a wrong answer's mistake: the variants its value is evidence for, and the one that explains the file.

A variant is matched with the same window as acceptance (written precision, widened by the spread of the
student's own inputs), and only when its value differs from the right one at the student's precision:
where ReLU′ = 1, "the activation's derivative left out" gives the right value and is never named.  When
several variants fit, the one named is the one that also fits most of the student's other wrong answers
(a file-level pattern, reported once: "every gradient is ŷ − y"), else the first in the step's order; the
others are listed as also consistent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from solver.checking.results import Pattern, Result
from solver.checking.tolerance import EXACT_SLACK, Tolerance, half_unit
from solver.checking.working import Formula, Working
from solver.derivation.model import Mistake
from solver.reading.written import Written


@dataclass(frozen=True)
class Variant:
    """A mistake of one step with its cell formulas compiled (none for a set difference or a scale)."""

    mistake: Mistake
    cells: tuple[Formula, ...]


def candidates(variants: Sequence[Variant], cells: list[int], read: list[Written], work: Working,
               tolerance: Tolerance, reference: list[Decimal], spread: list[Decimal],
               exact: Sequence[Decimal]) -> list[Mistake]:
    """Every variant the written cells are evidence for: those the written digits are a rounding of first,
    then those within the acceptance window only, each group in the step's order.

    ``reference`` and ``spread`` are the right values from the student's own inputs (per written cell)
    and how far they may move; ``exact`` the step's exact values (all cells).
    """
    close, near = [], []
    for variant in variants:
        mistake = variant.mistake
        if mistake.set_difference is not None:
            if set_difference(cells, read, exact) == mistake.set_difference:
                close.append(mistake)
        elif mistake.scaled:
            if _scaled(mistake, cells, read, exact, tolerance):
                close.append(mistake)
        else:
            match = _matches(variant, cells, read, work, tolerance, reference, spread)
            if match is not None:
                (close if match else near).append(mistake)
    return close + near


def _matches(variant: Variant, cells, read, work: Working, tolerance: Tolerance, reference, spread) -> bool | None:
    """None unless every cell is within the acceptance window of the variant's value and some cell's
    variant is unlike the right value at the student's precision (they would not round to the same
    digits); then whether every cell is as close as rounding (True) or only within the window (False)."""
    distinct, close = False, True
    for c, w, right, right_spread in zip(cells, read, reference, spread):
        formula = variant.cells[c]
        value = work.evaluate(formula)
        if value is None:
            return None
        moves = work.spread(formula)
        gap = abs(w.number - value)
        if gap > tolerance.window(w.decimals, value) + moves:
            return None
        close = close and gap <= _precision(w, value) + moves
        distinct = distinct or abs(value - right) > _precision(w, right) + moves + right_spread
    return close if distinct else None


def _precision(written: Written, reference: Decimal) -> Decimal:
    """How far apart two values must be to be told apart as written: half a unit of the last place."""
    if written.decimals is None:
        return EXACT_SLACK * max(abs(reference), 1)
    return half_unit(written.decimals)


def _scaled(mistake: Mistake, cells, read, exact, tolerance: Tolerance) -> bool:
    """The written cells are one multiple (not 1, of the mistake's sign) of the exact values."""
    if len(cells) < 2:
        return False
    largest = max(range(len(cells)), key=lambda i: abs(exact[cells[i]]))
    base, written = exact[cells[largest]], read[largest]
    if base == 0 or written.number == 0:
        return False
    factor = written.number / base
    if mistake.scale_sign and (factor > 0) != (mistake.scale_sign > 0):
        return False
    if abs(written.number - base) <= _precision(written, base):
        return False
    return all(tolerance.agrees(w.number, w.decimals, factor * exact[c]) for c, w in zip(cells, read))


def set_difference(cells: list[int], read: list[Written], exact: Sequence[Decimal]) -> str | None:
    """``"missing"`` if the written set lacks members only, ``"extra"`` if it has extra only."""
    given = {c for c, w in zip(cells, read) if w.number}
    truth = {c for c in cells if exact[c]}
    if given < truth:
        return "missing"
    if given > truth:
        return "extra"
    return None


def resolve(wrong: Sequence[tuple[Result, list[Mistake]]]) -> list[Pattern]:
    """Name one mistake per wrong answer (preferring those shared across the file) and return the patterns."""
    counts = Counter(id for _, found in wrong for id in {m.id for m in found})
    chosen: dict[str, list[tuple[Result, Mistake]]] = {}
    for result, found in wrong:
        if not found:
            continue
        best = found[0]
        for mistake in found[1:]:
            # more answers explained wins; on a tie across answers, a file-level explanation
            if counts[mistake.id] > counts[best.id] or (
                    counts[mistake.id] == counts[best.id] > 1 and mistake.pattern and not best.pattern):
                best = mistake
        result.mistake, result.diagnosis = best.id, best.diagnosis
        result.also = tuple(dict.fromkeys(m.id for m in found if m.id != best.id))
        chosen.setdefault(best.id, []).append((result, best))
    return [Pattern(id, _pattern_text([m for _, m in picks]), tuple(r.key for r, _ in picks))
            for id, picks in chosen.items() if len(picks) > 1]


def _pattern_text(mistakes: list[Mistake]) -> str:
    """The sentence for a mistake made in several answers: its own, or the answers' if they share one."""
    if mistakes[0].pattern:
        return mistakes[0].pattern
    if len({m.diagnosis for m in mistakes}) == 1:
        return mistakes[0].diagnosis
    return f"{mistakes[0].diagnosis} The same kind of slip recurs in {len(mistakes) - 1} more answers."
