"""How many significant digits a computed value can be trusted to, and arithmetic at any precision.

Working-precision arithmetic is honest only while a formula does not cancel: 1 − σ(9999) is
about 10^−4343, but at 60 digits σ(9999) rounds to 1 and the difference to 0 (then −log of it is
infinite, though the exact loss is 9999).  The arithmetics here count the digits an evaluation
may lose — to cancellation in sums (terms of 10^k summing to 10^j lose k − j digits), and to
amplification (exp(x) multiplies a relative error by |x|, log(x) divides one by |log x|, xⁿ
multiplies it by n) — so that a value that lost too much can be computed again at a higher
precision (:class:`MpArithmetic`, mpmath) until enough digits survive.
"""

from __future__ import annotations

import math
from decimal import Decimal

import mpmath
import sympy

from solver.maths.evaluate import DecimalArithmetic

_LOG10_2 = 0.30102999566398120
_LN10 = 2.302585092994046


def _log10(x) -> float:
    """log10 |x| of a non-zero Decimal or mpf, to a few digits (never overflowing a float)."""
    if isinstance(x, Decimal):
        exponent = x.adjusted()
        return exponent + math.log10(abs(float(x.scaleb(-exponent))))
    mantissa, exponent = mpmath.frexp(x)
    return (math.log10(abs(float(mantissa))) + int(exponent) * _LOG10_2)


class Singular(ArithmeticError):
    """A logarithm of a number that is not positive."""


class Meter:
    """Counts, over one evaluation, the significant digits it may have lost (conservatively:
    losses along different branches of a formula are added), and whether some part of it came to
    exactly 0 by cancelling (``zeroed``: then that 0 may stand for a tiny number)."""

    def __init__(self) -> None:
        self.lost = 0.0
        self.zeroed = False
        self.scale = 0.0

    def reset(self) -> None:
        self.lost = 0.0
        self.zeroed = False
        self.scale = 0.0

    def note_exponential(self, x) -> None:
        """e^x was taken: a sum with it may need |x|/ln 10 digits to see it beside 1 (σ(9999) is
        1 − 10^−4343), so ``scale`` hints at the precision a cancellation could call for."""
        self.scale = max(self.scale, min(abs(float(x)), 1e9) / _LN10)

    def note_cancellation(self, terms, total) -> None:
        """A sum of ``terms`` came to ``total``."""
        largest = max((abs(t) for t in terms), default=0)
        if not largest:
            return
        if not total:
            self.zeroed = True
        elif abs(total) < largest:
            self.lost += _log10(largest) - _log10(total)

    def note_amplification(self, factor) -> None:
        """A relative error was multiplied by ``|factor|``."""
        if factor and abs(factor) > 1:
            self.lost += _log10(factor)

    def note_log(self, result) -> None:
        """log(x) = result: the relative error of x becomes an absolute one of result."""
        if not result:
            self.zeroed = True
        elif abs(result) < 1:
            self.lost -= _log10(result)


class TrackedDecimal(DecimalArithmetic, Meter):
    """Working-precision ``Decimal`` arithmetic that counts the digits it loses."""

    def __init__(self) -> None:
        Meter.__init__(self)

    def exp(self, x):
        self.note_amplification(x)
        self.note_exponential(x)
        return x.exp()

    def ln(self, x):
        if x <= 0:
            raise Singular("a logarithm of a number that is not positive")
        result = x.ln()
        self.note_log(result)
        return result

    def power(self, base, exponent):
        self.note_amplification(exponent)
        return DecimalArithmetic.power(base, exponent)


class MpArithmetic(Meter):
    """mpmath arithmetic at ``digits`` significant digits (call inside ``mpmath.workdps(digits)``),
    counting the digits it loses."""

    def __init__(self, digits: int) -> None:
        super().__init__()
        self.digits = digits
        self.zero = mpmath.mpf(0)
        self.one = mpmath.mpf(1)

    def constant(self, value: sympy.Basic):
        if value.is_Rational:
            return mpmath.mpf(int(value.p)) / int(value.q)
        number = sympy.N(value, self.digits + 10)
        if isinstance(number, sympy.Float):  # by its binary form: thousands of digits as text exceed int()'s limit
            return mpmath.mpf(number._mpf_)
        return mpmath.mpf(str(number))

    def exp(self, x):
        self.note_amplification(x)
        self.note_exponential(x)
        return mpmath.exp(x)

    def ln(self, x):
        if x <= 0:
            raise Singular("a logarithm of a number that is not positive")
        result = mpmath.log(x)
        self.note_log(result)
        return result

    def sqrt(self, x):
        return mpmath.sqrt(x)

    def power(self, base, exponent):
        self.note_amplification(exponent)
        if exponent == int(exponent):
            return base ** int(exponent)
        return mpmath.power(base, exponent)


def as_decimal(x, digits: int) -> Decimal:
    """An mpf as a Decimal of ``digits`` significant digits."""
    rounded = mpmath.libmp.normalize(*x._mpf_, int(digits / _LOG10_2) + 8, mpmath.libmp.round_nearest)
    return Decimal(mpmath.libmp.to_str(rounded, digits))
