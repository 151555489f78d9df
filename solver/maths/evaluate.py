"""Evaluating step formulas without sympy in the loop: exact rationals, or working-precision decimals.

:func:`compile_formula` turns a formula into a tree of small Python closures, once per formula,
so that a derivation's values and thousands of answer files are computed without calling sympy
per value.  The closures run in one of two arithmetics: :data:`RATIONAL` (``Fraction``: exact,
refusing anything irrational) and :data:`DECIMAL` (``Decimal`` at working precision).  No text
is generated or executed: the closures are built directly from the sympy tree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

import sympy

from solver.maths.numbers import NUMERIC, decimal_of_rational

Fn = Callable[[Sequence], object]

#: Largest closed form (in sympy tree nodes) kept as an exact value; beyond it a value is carried
#: at working precision only, since printing or manipulating such a form helps nobody.
MAX_EXACT_NODES = 400


class NotRational(ArithmeticError):
    """The formula leaves the rationals (an exp, a log, a square root)."""


class RationalArithmetic:
    """Exact arithmetic in ``Fraction``; irrational operations raise :class:`NotRational`."""

    zero = Fraction(0)
    one = Fraction(1)

    @staticmethod
    def constant(value: sympy.Basic) -> Fraction:
        if value.is_Rational:
            return Fraction(int(value.p), int(value.q))
        raise NotRational(str(value))

    @staticmethod
    def exp(x):
        if x == 0:
            return Fraction(1)
        raise NotRational("exp")

    @staticmethod
    def ln(x):
        if x == 1:
            return Fraction(0)
        raise NotRational("log")

    @staticmethod
    def sqrt(x):
        raise NotRational("sqrt")

    @staticmethod
    def power(base, exponent):
        if exponent.denominator == 1:
            if base == 0 and exponent < 0:
                raise ZeroDivisionError("0 to a negative power")
            return base ** int(exponent)
        raise NotRational("power")


class DecimalArithmetic:
    """``Decimal`` at working precision; call compiled functions inside ``localcontext(NUMERIC)``."""

    zero = Decimal(0)
    one = Decimal(1)

    @staticmethod
    def constant(value: sympy.Basic) -> Decimal:
        if value.is_Rational:
            return decimal_of_rational(value)
        return Decimal(str(sympy.N(value, NUMERIC.prec + 5)))

    @staticmethod
    def exp(x):
        return x.exp()

    @staticmethod
    def ln(x):
        return x.ln()

    @staticmethod
    def sqrt(x):
        return x.sqrt()

    @staticmethod
    def power(base, exponent):
        if exponent == exponent.to_integral_value():
            return base ** int(exponent)
        return (exponent * base.ln()).exp()


RATIONAL = RationalArithmetic()
DECIMAL = DecimalArithmetic()


def _tanh(arith, x):
    if isinstance(x, Decimal) and abs(x) > 200:
        return arith.one if x > 0 else -arith.one
    e = arith.exp(2 * x)
    note = getattr(arith, "note_cancellation", None)
    if note is not None:
        note((e, -arith.one), e - 1)
    return (e - 1) / (e + 1)


def _sign(arith, x):
    return arith.one if x > 0 else -arith.one if x < 0 else arith.zero


_BUILTIN_FUNCTIONS: dict[type, Callable] = {
    sympy.exp: lambda arith, x: arith.exp(x),
    sympy.log: lambda arith, x: arith.ln(x),
    sympy.tanh: _tanh,
    sympy.Abs: lambda arith, x: abs(x),
    sympy.sign: _sign,
    sympy.Max: lambda arith, *xs: max(xs),
    sympy.Min: lambda arith, *xs: min(xs),
}


def _sum(parts: list[Fn], arith) -> Fn:
    note = getattr(arith, "note_cancellation", None)
    if note is not None:
        return _tracked_sum(parts, note)
    first, *rest = parts

    def add(v):
        total = first(v)
        for part in rest:
            total += part(v)
        return total

    return add


def _flat_terms(node: sympy.Basic) -> list[sympy.Basic]:
    """The terms of a sum, nested sums (an unevaluated a + (b + c)) opened up."""
    terms, stack = [], [node]
    while stack:
        item = stack.pop()
        if item.is_Add:
            stack.extend(reversed(item.args))
        else:
            terms.append(item)
    return terms


def _tracked_sum(parts: list[Fn], note: Callable) -> Fn:
    """A sum that tells ``note(terms, total)`` how much it cancelled (see :mod:`solver.maths.precision`)."""

    def add(v):
        terms = [part(v) for part in parts]
        total = terms[0]
        for term in terms[1:]:
            total += term
        note(terms, total)
        return total

    return add


def _product(parts: list[Fn]) -> Fn:
    first, *rest = parts

    def multiply(v):
        total = first(v)
        for part in rest:
            total *= part(v)
        return total

    return multiply


def compile_formula(expr: sympy.Basic, slots: Mapping[sympy.Symbol, int], arith=DECIMAL) -> Fn:
    """A function of a sequence of numbers (indexed by ``slots``) computing ``expr`` in ``arith``.

    Raises :class:`NotRational` while compiling if ``expr`` holds an irrational constant and
    ``arith`` is :data:`RATIONAL`; the compiled function raises it for irrational operations.
    """

    def part(node: sympy.Basic) -> Fn:
        if node.is_Symbol:
            index = slots[node]
            return lambda v: v[index]
        if node.is_Number or node.is_NumberSymbol:
            value = arith.constant(node)
            return lambda v: value
        if node.is_Add:
            if hasattr(arith, "note_cancellation"):  # one sum, so that its cancellation is measured once
                return _sum([part(a) for a in _flat_terms(node)], arith)
            return _sum([part(a) for a in node.args], arith)
        if node.is_Mul:
            return _product([part(a) for a in node.args])
        if node.is_Pow:
            return _power(node.args[0], node.args[1])
        function = getattr(node.func, "numeric", None) or _BUILTIN_FUNCTIONS.get(node.func)
        if function is None:
            raise NotImplementedError(f"cannot compile {node.func.__name__} for evaluation")
        args = [part(a) for a in node.args]
        if len(args) == 1:
            (only,) = args
            return lambda v: function(arith, only(v))
        return lambda v: function(arith, *(a(v) for a in args))

    def _power(base_expr: sympy.Basic, exponent: sympy.Basic) -> Fn:
        base = part(base_expr)
        if exponent.is_Integer:
            n = int(exponent)
            return lambda v: base(v) ** n
        if exponent == sympy.Rational(1, 2):
            return lambda v: arith.sqrt(base(v))
        if base_expr is sympy.E:
            power = part(exponent)
            return lambda v: arith.exp(power(v))
        power = part(exponent)
        return lambda v: arith.power(base(v), power(v))

    return part(expr)


def tree_size(expr: sympy.Basic, limit: int) -> int:
    """Number of nodes in ``expr``'s tree, counting stopped just past ``limit``."""
    count = 0
    stack = [expr]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            break
        stack.extend(node.args)
    return count


def closed_form(formula: sympy.Basic, exact_inputs: Mapping[sympy.Symbol, sympy.Basic]) -> sympy.Basic | None:
    """The closed form of ``formula`` at exact inputs, by sympy, or None when it would be too large."""
    with sympy.evaluate(True):
        value = formula.xreplace(dict(exact_inputs))
    if value.free_symbols or tree_size(value, MAX_EXACT_NODES) > MAX_EXACT_NODES:
        return None
    return value


def evaluate_decimal(expr: sympy.Basic, values: Mapping[sympy.Symbol, Decimal] | None = None) -> Decimal:
    """``expr`` at working precision, with its free symbols taken from ``values``."""
    values = values or {}
    symbols = sorted(expr.free_symbols, key=str)
    fn = compile_formula(expr, {s: i for i, s in enumerate(symbols)})
    with localcontext(NUMERIC):
        return +fn([values[s] for s in symbols])
