"""A variant's self-test, run before it is written: does the checker grade its own answer key right?

Three things must hold for the checker built from the variant's derivation: its exact answer to
every step is ``correct``; each mistake variant of each step, written as a careful student would
(to the display precision, and to at least three significant figures), is marked ``wrong`` with a
mistake named (unless at that precision it cannot be told from the right answer, when the checker
rightly says nothing); and an unreadable value is ``invalid``.  Every answer is an entry handed to
the checker directly, not a file.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.derivation.model import Derivation, Mistake, Scalar, Step
from solver.maths.numbers import NUMERIC, plain_decimal, round_half_up, significant
from solver.reading.answer_file import Entry
from solver.render.common import plain_equation

#: Significant digits of an irrational answer written as a decimal: far beyond any tolerance.
EXACT_DIGITS = 40
UNREADABLE = "2 +* 3"
#: Significant figures a planted mistake is written to, at least (more when the display precision gives more).
PLANTED_FIGURES = 3


def self_test(derivation: Derivation) -> str | None:
    """Why the checker misjudges this variant, or None when it passes."""
    plan = CheckPlan(derivation, Tolerance(derivation.decimals, derivation.rtol, derivation.atol))
    key = _answer_key(plan, derivation)
    if key is not None:
        return key
    first = derivation.steps[0]
    result = plan.check_alone(Entry(first.key, first.key.lower(), None, UNREADABLE))
    if result.verdict != "invalid":
        return f"an unreadable value for {first.key} was marked {result.verdict}, not invalid"
    for compiled in plan.by_key.values():
        for variant in compiled.variants:
            failure = _planted(plan, compiled.step, variant.mistake, variant.cells)
            if failure is not None:
                return failure
    return None


def _answer_key(plan: CheckPlan, derivation: Derivation) -> str | None:
    """Every step answered exactly must be correct."""
    entries = [Entry(step.key, step.key.lower(), None, exact_answer(step)) for step in derivation.steps]
    for result in plan.check(entries, "self-test").results:
        if result.verdict != "correct":
            return f"its own exact answer for {result.key} was marked {result.verdict}"
    return None


def exact_answer(step: Step):
    """The step's exact value as an answer file writes it: a fraction, a long decimal, a list, an equation."""
    if step.is_set:
        return list(step.members())
    if step.is_equation:
        return plain_equation(step)
    return _shaped(step, [_exact_text(v) for v in step.values])


def _exact_text(value: Scalar) -> str:
    """A fraction while its digits fit what an answer may hold (60 a number), else 40 significant digits."""
    if value.is_rational and max(len(str(abs(value.exact.p))), len(str(value.exact.q))) <= EXACT_DIGITS:
        return str(value.exact)
    return plain_decimal(significant(value.approx, EXACT_DIGITS))


def _shaped(step: Step, texts: list[str]):
    if step.is_scalar:
        return texts[0]
    if step.is_vector:
        return texts
    return [texts[r * step.shape[1]:(r + 1) * step.shape[1]] for r in range(step.shape[0])]


def _planted(plan: CheckPlan, step: Step, mistake: Mistake, formulas) -> str | None:
    """Plant one mistake as the step's only answer; None when it is named or cannot be told apart."""
    value = _mistaken_answer(plan, step, mistake, formulas)
    if value is None:
        return None
    result = plan.check_alone(Entry(step.key, step.key.lower(), None, value))
    if result.verdict == "correct":
        return None  # at the written precision it is the right answer: nothing to name
    if result.verdict != "wrong" or result.mistake is None:
        named = "wrong with no mistake named" if result.verdict == "wrong" else result.verdict
        return f"the mistake {mistake.id} planted in {step.key} was marked {named}"
    return None


def _mistaken_answer(plan: CheckPlan, step: Step, mistake: Mistake, formulas):
    """What a student making ``mistake`` writes for the step, at the display precision; None if nothing to plant."""
    decimals = plan.tolerance.display_decimals
    if mistake.set_difference is not None:
        members = list(step.members())
        others = [label for label in step.labels if label not in members]
        if mistake.set_difference == "missing":
            return members[1:] if members else None
        return members + others[:1] if others else None
    if step.is_equation or step.is_set:
        return None
    exact = [v.approx for v in step.values]
    if mistake.scaled:
        if len(exact) < 2 or not any(exact):
            return None
        numbers = [2 * v for v in exact]
    else:
        try:
            with localcontext(NUMERIC):
                numbers = [+f.fn(plan.base) for f in formulas]
        except ArithmeticError:
            return None
    return _shaped(step, [_written(n, decimals) for n in numbers])


def _written(number: Decimal, decimals: int) -> str:
    """A number as a careful student writes it: to the display precision, and to at least three significant figures."""
    if number:
        decimals = max(decimals, PLANTED_FIGURES - 1 - number.adjusted())
    return plain_decimal(round_half_up(number, decimals))
