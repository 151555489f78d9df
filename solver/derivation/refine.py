"""Values computed again at a higher precision when working precision cancels them away.

A step's value is normally its formula evaluated at 60 digits on its inputs' 60-digit values.
When that evaluation loses too many digits (see :mod:`solver.maths.precision`) — a saturated
sigmoid's 1 − ŷ, say — the value is computed again from the problem's exact givens, through
every earlier step it depends on, at 120, 240, … digits, until enough digits survive.  A value
that cancels to exactly 0 at 60 digits and again at 120 is taken to be 0 (the symmetric units
of a network give such zeros); a logarithm or a division that meets such a 0 is computed again
at higher precisions, since it may stand for a tiny number (σ(9999) is 1 − 10^−4343).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext

import mpmath
import sympy

from solver.derivation.model import Scalar
from solver.maths.evaluate import compile_formula
from solver.maths.numbers import NUMERIC, WORKING_DIGITS
from solver.maths.precision import MpArithmetic, as_decimal

#: Precisions tried, in significant digits: enough for 1 − σ(x) with x up to about 30,000.
LEVELS = tuple(120 * 2**k for k in range(8))  # 120 … 15,360

#: Digits a value must keep beyond the working precision to be recorded at it.
SAFETY = 10

#: Most evaluations of earlier steps at higher precision in one derivation (a bound on the work).
MAX_WORK = 20_000

_NAN = mpmath.mpf("nan")

#: What a value that lost every digit to cancellation may be (the ``why`` of :meth:`Refiner.value`).
ZERO = "zero"


class PrecisionExhausted(ArithmeticError):
    """A value that cannot be computed to working precision within the bounds."""


class Refiner:
    """Evaluates step formulas at higher precisions from the exact givens, through the steps they
    depend on; ``scalars`` and ``formulas`` are the builder's, filled in as steps are added."""

    def __init__(self, scalars: Mapping[sympy.Symbol, Scalar], formulas: Mapping[sympy.Symbol, sympy.Basic],
                 order: Mapping[sympy.Symbol, int]):
        self._scalars = scalars
        self._formulas = formulas
        self._order = order
        self._memo: dict[int, dict[sympy.Symbol, tuple[mpmath.mpf, float]]] = {}
        self._compiled: dict[tuple[sympy.Symbol, int], tuple] = {}
        self._work = 0

    def value(self, formula: sympy.Basic, why: str, scale: float = 0.0) -> Decimal:
        """``formula`` to working precision; ``why`` says what went wrong at working precision,
        for the error when no precision helps (:class:`PrecisionExhausted`); ``scale`` is the
        precision an exponential in it hints at (see :class:`solver.maths.precision.Meter`):
        precisions below it are skipped."""
        symbols = sorted(formula.free_symbols, key=lambda s: s.name)
        zero_seen = why == ZERO
        for digits in LEVELS:
            if digits < scale + WORKING_DIGITS + SAFETY and digits != LEVELS[-1]:
                continue
            value, lost, zeroed, scale = self._evaluate(formula, symbols, digits)
            if (value == 0 and zeroed) or lost >= digits - SAFETY:  # nothing left of it, again: 0
                if zero_seen:
                    return Decimal(0)
                zero_seen = True
                continue
            zero_seen = False
            if mpmath.isfinite(value) and lost + WORKING_DIGITS + SAFETY <= digits:
                with localcontext(NUMERIC):
                    return +as_decimal(value, WORKING_DIGITS + 5)
        if zero_seen:  # nothing left of it at the highest precision: below 10^−15000 of its terms
            return Decimal(0)
        raise PrecisionExhausted(f"{why}, even at {LEVELS[-1]} significant digits")

    def _evaluate(self, formula: sympy.Basic, symbols: list[sympy.Symbol], digits: int):
        with mpmath.workdps(digits):
            known = self._values_at(digits, symbols)
            arith = MpArithmetic(digits)
            try:
                value = compile_formula(formula, {s: i for i, s in enumerate(symbols)}, arith)(
                    [known[s][0] for s in symbols])
            except (ArithmeticError, ValueError):
                return _NAN, 0, False, arith.scale
            return value, arith.lost + max((known[s][1] for s in symbols), default=0), arith.zeroed, arith.scale

    def _values_at(self, digits: int, wanted: list[sympy.Symbol]) -> dict[sympy.Symbol, tuple[mpmath.mpf, int]]:
        """The values (and digits lost) at ``digits`` of ``wanted`` and everything they depend on."""
        memo = self._memo.setdefault(digits, {})
        missing, stack = [], [s for s in wanted if s not in memo]
        seen = set(stack)
        while stack:
            symbol = stack.pop()
            missing.append(symbol)
            if self._scalars[symbol].exact is None:
                for parent in self._formulas[symbol].free_symbols:
                    if parent not in memo and parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
        if missing:
            for symbol in sorted(missing, key=self._order.__getitem__):
                self._work += 1
                if self._work > MAX_WORK:
                    raise PrecisionExhausted(f"recomputing it at higher precision takes over {MAX_WORK} evaluations")
                memo[symbol] = self._cell_at(symbol, digits, memo)
        return memo

    def _cell_at(self, symbol: sympy.Symbol, digits: int, memo) -> tuple[mpmath.mpf, float]:
        scalar = self._scalars[symbol]
        if scalar.exact is not None and scalar.exact.is_Rational:
            return MpArithmetic(digits).constant(scalar.exact), 0.0
        key = (symbol, digits)
        if key not in self._compiled:
            formula = scalar.exact if scalar.exact is not None else self._formulas[symbol]
            inputs = sorted(formula.free_symbols, key=lambda s: s.name)
            arith = MpArithmetic(digits)
            self._compiled[key] = arith, compile_formula(formula, {s: i for i, s in enumerate(inputs)}, arith), inputs
        arith, function, inputs = self._compiled[key]
        arith.reset()
        try:
            value = function([memo[s][0] for s in inputs])
        except (ArithmeticError, ValueError):
            return _NAN, 0.0
        return value, arith.lost + max((memo[s][1] for s in inputs), default=0.0)
