"""Yes-or-no quantities as numbers: Iverson brackets [a = b], [a ≠ b], [a ≥ b], worth 1 when true, 0 when false.

A verdict such as "the network computes its target" is then an ordinary step — a formula over
earlier quantities with a value — that every renderer prints and the checker follows: ``agrees =
[max error = 0] = 1``.  In working precision (a student's rounded values carried forward) two
numbers within 10⁻⁴⁰ of each other count as equal; exact values are compared exactly.
"""

from __future__ import annotations

from decimal import Decimal

import sympy
from sympy import Function, S

#: Relative slack within which two working-precision values count as equal.
EQUAL_SLACK = Decimal("1e-40")


def _equal(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        scale = max(Decimal(1), abs(Decimal(a)), abs(Decimal(b)))
        return abs(Decimal(a) - Decimal(b)) <= EQUAL_SLACK * scale
    return a == b


class _Bracket(Function):
    """[lhs ⋈ rhs]: 1 when the relation holds, else 0."""

    nargs = 2
    relation_text = "?"
    relation_latex = "?"

    @classmethod
    def eval(cls, a, b):
        if a.is_Rational and b.is_Rational:
            return S.One if cls.holds(a, b) else S.Zero
        if a.is_number and b.is_number and a.is_extended_real and b.is_extended_real:
            difference = a - b
            if difference.is_zero:
                return S.One if cls.holds(0, 0) else S.Zero
            sign = sympy.sign(difference.evalf(60))
            if sign in (1, -1):
                return S.One if cls.holds(sign, 0) else S.Zero
        return None

    @staticmethod
    def holds(a, b) -> bool:
        raise NotImplementedError

    def _textstr(self, printer):
        a, b = (printer._print(arg) for arg in self.args)
        return f"[{a} {self.relation_text} {b}]"

    def _sympystr(self, printer):
        return f"{type(self).__name__}({printer._print(self.args[0])}, {printer._print(self.args[1])})"

    def _latex(self, printer, exp=None):
        a, b = (printer._print(arg) for arg in self.args)
        return rf"\left[{a} {self.relation_latex} {b}\right]"

    @classmethod
    def numeric(cls, arith, a, b):
        return arith.one if cls.holds(a, b) else arith.zero


class is_equal(_Bracket):
    """[a = b]."""

    relation_text = "="
    relation_latex = "="

    @staticmethod
    def holds(a, b) -> bool:
        return _equal(a, b)


class differs(_Bracket):
    """[a ≠ b]."""

    relation_text = "≠"
    relation_latex = r"\neq"

    @staticmethod
    def holds(a, b) -> bool:
        return not _equal(a, b)


class at_least(_Bracket):
    """[a ≥ b]."""

    relation_text = "≥"
    relation_latex = r"\geq"

    @staticmethod
    def holds(a, b) -> bool:
        return a >= b or _equal(a, b)


def yes_no(value: sympy.Basic) -> str:
    """An Iverson value in words."""
    return "yes" if value == 1 else "no"
