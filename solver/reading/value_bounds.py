"""Keeping the values an expression builds finite, real and of bounded size.

The parser calls these before and after every operation, so that a power tower, a root of a
huge number or a quotient by something that is 0 in disguise is refused before sympy starts
on it.  Signs and sizes of irrational constants come from sympy's adaptive ``evalf``, which
raises rather than guess when a value cannot be told apart from 0.
"""

from __future__ import annotations

import math

import sympy
from sympy.core.evalf import PrecisionExhausted

from solver.errors import InputError

#: Largest |exponent| of a power with a constant exponent.
MAX_POWER_EXPONENT = 1000
#: Most digits in the numerator or denominator of any rational inside a value.
MAX_RESULT_DIGITS = 2000
#: Every constant is smaller in absolute value than 10**MAX_MAGNITUDE.
MAX_MAGNITUDE = 2000
#: Most digits of a rational under a root (sympy looks for perfect powers, which grows fast).
MAX_ROOT_DIGITS = 100
#: Largest |x| for exp(x), sigmoid(x) and tanh(x) at a constant x.
MAX_EXP_ARGUMENT = 10_000
#: Digits to which a constant's sign must be certain, and the most digits tried to get them.
SIGN_DIGITS = 20
SIGN_WORKING_DIGITS = 500

_LOG10_2 = math.log10(2)
_NOT_FINITE = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)


def _short(value: sympy.Basic) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:18] + "…" + text[-18:]


def is_constant(value: sympy.Basic) -> bool:
    return not value.free_symbols


def _digits(value: sympy.Rational) -> float:
    return max(int(value.p).bit_length(), int(value.q).bit_length()) * _LOG10_2


def rational_digits(value: sympy.Basic) -> float:
    """The most digits of any rational's numerator or denominator inside ``value``."""
    return max((_digits(a) for a in value.atoms(sympy.Rational)), default=0)


def radicand_digits(value: sympy.Basic) -> float:
    """Total digits of the rationals under roots in ``value`` (sympy merges them when multiplying)."""
    return sum(
        rational_digits(p.base)
        for p in value.atoms(sympy.Pow)
        if p.base.is_Rational and not p.exp.is_Integer
    )


def _check_merged_roots(a: sympy.Basic, b: sympy.Basic) -> None:
    """√a·√b becomes √(ab), and sympy looks for square factors in ab: keep ab small."""
    first, second = radicand_digits(a), radicand_digits(b)
    if first and second and first + second > MAX_ROOT_DIGITS:
        raise InputError(f"a product of roots of numbers with more than {MAX_ROOT_DIGITS} digits is not computed")


def approximate(value: sympy.Basic, digits: int = 15) -> sympy.Float:
    """A constant to about ``digits`` significant digits, refusing one that is not real."""
    if value.is_Rational:
        return sympy.Float(value, digits)
    result = value.evalf(digits)
    if result.is_zero:
        return sympy.Float(0)
    if not isinstance(result, sympy.Float):
        if result.has(sympy.I):
            raise InputError(f"{_short(value)} is not a real number")
        raise InputError(f"{_short(value)} cannot be evaluated")
    return result


def log10_size(value: sympy.Basic) -> float:
    """About log10 |value| of a constant (−inf for 0), without ever forming a huge number."""
    if value.is_Rational:
        if value == 0:
            return -math.inf
        return (int(value.p).bit_length() - int(value.q).bit_length()) * _LOG10_2
    _, mantissa, exponent, bits = approximate(value)._mpf_
    return -math.inf if not mantissa else (exponent + bits) * _LOG10_2


def sign(value: sympy.Basic, what: str) -> int:
    """−1, 0 or 1 for a constant; refuses one that is not simply 0 but cannot be told apart from it."""
    if value.is_Rational:
        return (value.p > 0) - (value.p < 0)
    try:
        result = value.evalf(SIGN_DIGITS, strict=True, maxn=SIGN_WORKING_DIGITS)
    except PrecisionExhausted:
        raise InputError(
            f"{what} cannot be told apart from 0 ({_short(value)} is 0 to {SIGN_WORKING_DIGITS} digits); "
            "simplify it"
        ) from None
    if not isinstance(result, sympy.Float):
        raise InputError(f"{what} is not a real number")
    return 1 if result > 0 else -1


def check(value: sympy.Basic) -> None:
    """Refuse a value that is not finite and real, or holds too large a number."""
    for node in sympy.preorder_traversal(value):
        if node.is_Rational:
            if _digits(node) > MAX_RESULT_DIGITS:
                raise InputError(f"a number with more than {MAX_RESULT_DIGITS} digits")
        elif node in _NOT_FINITE:
            raise InputError("value is undefined or infinite (division by zero?)")
        elif node is sympy.I:
            raise InputError("value is not a real number")
    if not value.is_Rational and is_constant(value) and log10_size(value) > MAX_MAGNITUDE:
        raise InputError(f"value is larger than 10^{MAX_MAGNITUDE}")


def check_final(value: sympy.Basic) -> None:
    """A finished constant must also have a certain sign: 0 in disguise is refused, not carried on."""
    if not value.is_Rational and is_constant(value):
        sign(value, "the value")


def multiply(a: sympy.Basic, b: sympy.Basic) -> sympy.Basic:
    _check_merged_roots(a, b)
    return a * b


def divide(numerator: sympy.Basic, divisor: sympy.Basic) -> sympy.Basic:
    if is_constant(divisor) and sign(divisor, "the divisor") == 0:
        raise InputError("division by zero")
    _check_merged_roots(numerator, divisor)
    return numerator / divisor


def exp_argument(x: sympy.Basic) -> sympy.Basic:
    """``x`` if exp(x) is of workable size."""
    if is_constant(x) and abs(approximate(x)) > MAX_EXP_ARGUMENT:
        raise InputError(f"exp of {_short(x)} is too large to work with (limit: |x| ≤ {MAX_EXP_ARGUMENT})")
    return x


def _check_constant_power(base: sympy.Basic, exponent: sympy.Basic) -> None:
    size = approximate(exponent)
    base_sign = sign(base, "the base of the power")
    if base_sign == 0:
        if size < 0:
            raise InputError("division by zero (0 to a negative power)")
        return
    if base_sign < 0 and not exponent.is_Integer:
        raise InputError("a negative number to a fractional power is not real")
    magnitude = abs(log10_size(base) * float(size))
    if magnitude > MAX_MAGNITUDE:
        raise InputError(f"power would have about {magnitude:.0f} digits (limit {MAX_MAGNITUDE})")


def power(base: sympy.Basic, exponent: sympy.Basic) -> sympy.Basic:
    """``base ** exponent``, refused when it would be huge, not real, or costly to simplify."""
    if base is sympy.E:
        return sympy.exp(exp_argument(exponent))
    if is_constant(exponent):
        if abs(approximate(exponent)) > MAX_POWER_EXPONENT:
            raise InputError(f"exponent {_short(exponent)} is too large (limit {MAX_POWER_EXPONENT})")
        if is_constant(base):
            _check_constant_power(base, exponent)
        if exponent.is_Integer:
            grown = rational_digits(base) * abs(int(exponent))
            if grown > MAX_RESULT_DIGITS:
                raise InputError(f"power would have about {grown:.0f} digits (limit {MAX_RESULT_DIGITS})")
        elif rational_digits(base) > MAX_ROOT_DIGITS:
            raise InputError(f"a root of a number with more than {MAX_ROOT_DIGITS} digits is not computed")
    elif is_constant(base) and base not in (0, 1) and sign(base, "the base of the power") < 0:
        raise InputError("a negative number to a symbolic power is not real")
    return base**exponent
