"""Exact numbers and their decimal display: the working precision and half-up rounding."""

from __future__ import annotations

from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction

import sympy

#: Significant digits every non-rational value is carried to (DESIGN: at least 30).
WORKING_DIGITS = 60

#: The context for all numeric work.  Overflow, division by zero and invalid operations raise
#: instead of producing inf/nan, so an absurd input can never turn into a printed number.
NUMERIC = Context(
    prec=WORKING_DIGITS,
    Emax=100_000,
    Emin=-100_000,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

#: Digits printed for a value in machine-readable output.
JSON_DIGITS = 30


def decimal_of_rational(value: sympy.Rational | Fraction | int) -> Decimal:
    """The working-precision decimal of an exact rational."""
    if isinstance(value, int):
        return Decimal(value)
    p, q = (int(value.p), int(value.q)) if isinstance(value, sympy.Rational) else (
        value.numerator,
        value.denominator,
    )
    with localcontext(NUMERIC):
        return Decimal(p) / Decimal(q)


def round_half_up(value: Decimal | sympy.Rational, decimals: int) -> Decimal:
    """Round to ``decimals`` places, halves away from zero; exact for rationals, and for numbers of
    any size (the result is built from its digits, never rounded to a context's precision)."""
    quantum = Decimal(1).scaleb(-decimals)
    if isinstance(value, sympy.Rational):
        scaled = Fraction(int(value.p), int(value.q)) * 10**decimals
        whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
        if 2 * rest >= scaled.denominator:
            whole += 1
        sign = "-" if scaled < 0 else ""
        return Decimal(f"{sign}{whole}E-{decimals}")
    with localcontext(NUMERIC) as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + decimals + 2)
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


#: Numbers of at least 10^this are displayed as a mantissa and a power of ten (1.2346e+20): their
#: digits before the point say nothing a reader can use, and may run to thousands.
DISPLAY_EXPONENT = 15


def rounded_text(value: Decimal | sympy.Rational, decimals: int) -> str:
    """``value`` rounded half-up for display: ``decimals`` places below 10^DISPLAY_EXPONENT
    (``-0.0388``), beyond it a mantissa with ``decimals`` places and a power of ten (``1.2000e+300``)."""
    exponent = _exponent(value)
    if exponent < DISPLAY_EXPONENT:
        return plain_decimal(round_half_up(value, decimals))
    mantissa = _scaled(value, exponent, decimals)
    if abs(mantissa) >= 10:  # 9.99995 rounded up to 10.0000
        exponent += 1
        mantissa = _scaled(value, exponent, decimals)
    return f"{plain_decimal(mantissa)}e+{exponent}"


def _exponent(value: Decimal | sympy.Rational) -> int:
    """floor(log10 |value|), exactly; 0 for 0."""
    if isinstance(value, Decimal):
        return value.adjusted() if value else 0
    whole = abs(int(value.p)) // int(value.q)
    if not whole:
        return 0
    exponent = max(0, int((whole.bit_length() - 1) * 0.30102999566398120) - 1)
    while 10 ** (exponent + 1) <= whole:
        exponent += 1
    return exponent


def _scaled(value: Decimal | sympy.Rational, exponent: int, decimals: int) -> Decimal:
    """value / 10^exponent rounded half-up to ``decimals`` places."""
    if isinstance(value, Decimal):
        return round_half_up(value.scaleb(-exponent), decimals)
    return round_half_up(sympy.Rational(value.p, value.q * 10**exponent), decimals)


def terminating_places(value: sympy.Rational) -> int | None:
    """Number of decimal places of a rational's exact expansion, or None if it does not end."""
    q = int(value.q)
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    return max(twos, fives) if q == 1 else None


def plain_decimal(value: Decimal) -> str:
    """A decimal without exponent notation and without a negative zero."""
    text = format(value, "f")
    if text.startswith("-") and set(text[1:]) <= set("0."):
        text = text[1:]
    return text


def significant(value: Decimal, digits: int = JSON_DIGITS) -> Decimal:
    """``value`` rounded to ``digits`` significant digits, trailing zeros removed."""
    with localcontext(NUMERIC) as ctx:
        ctx.prec = digits
        ctx.rounding = ROUND_HALF_UP
        return (+value).normalize()
