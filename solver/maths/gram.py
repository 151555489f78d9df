"""Gram matrices: is a kernel valid on given points?  Decided exactly, with a certificate either way.

K is positive semi-definite exactly when its LDLᵀ factorisation (no pivoting) has every pivot ≥ 0
and a zero pivot's column is zero below it.  So the pivots certify validity; when a pivot fails,
a witness c with cᵀKc < 0 is built from the factorisation so far and proves the opposite.  The
pivots and the entries of L are also sympy functions of K's entries (:class:`ldl_pivot`,
:class:`ldl_lower`), so a step defined by them is a formula over K like any other: exact at
rationals, computable in any of the project's arithmetics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import Function

from solver.maths.notation import subscript


def ldl(matrix: Sequence[Sequence], zero=None) -> tuple[list[list], list, list[list]]:
    """L (unit lower triangular), the pivots D and the Schur complements S_k of a symmetric matrix.

    Total: a zero pivot leaves its column of L at 0 (right for a PSD matrix, whose column is then 0
    too); whether the factorisation is valid is :func:`certificate`'s question.  ``schur[k]`` is
    the matrix left after eliminating the first k rows and columns (indices ≥ k, full size).
    """
    n = len(matrix)
    zero = matrix[0][0] * 0 if zero is None else zero
    one = zero + 1
    work = [list(row) for row in matrix]
    lower = [[one if i == j else zero for j in range(n)] for i in range(n)]
    pivots = []
    schur = []
    for k in range(n):
        schur.append([list(row) for row in work])
        d = work[k][k]
        pivots.append(d)
        if d == 0:
            continue
        for i in range(k + 1, n):
            lower[i][k] = work[i][k] / d
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                work[i][j] = work[i][j] - lower[i][k] * d * lower[j][k]
    return lower, pivots, schur


@dataclass(frozen=True)
class Certificate:
    """The verdict on a symmetric rational matrix.

    PSD: ``witness`` is None and every pivot ≥ 0 (``pivots`` all n of them).  Not PSD: ``failed`` is
    the 0-based index of the pivot that fails, ``pivots`` stop there, and ``witness`` is an integer
    vector c with cᵀKc = ``value`` < 0.  Numbers are ``Fraction`` or ``Decimal``, as K's entries.
    """

    pivots: tuple
    lower: tuple[tuple, ...]
    failed: int | None
    witness: tuple[int, ...] | None
    value: object

    @property
    def is_psd(self) -> bool:
        return self.witness is None


def quadratic_form(c: Sequence, matrix: Sequence[Sequence]):
    """cᵀ·M·c."""
    n = len(c)
    return sum((c[i] * matrix[i][j] * c[j] for i in range(n) for j in range(n)), 0 * c[0])


def certificate(matrix: Sequence[Sequence], slack=None) -> Certificate:
    """Exact LDLᵀ pivots proving K positive semi-definite, or a witness c with cᵀKc < 0.

    With ``Fraction`` entries (``slack`` None) every comparison is exact: a proof either way.  With
    60-digit ``Decimal`` entries (an irrational K) a pivot within ``slack`` of 0 counts as 0 and the
    verdict holds to that precision; the witness is still a vector of integers.
    """
    n = len(matrix)
    exact = slack is None
    K = [[Fraction(v) for v in row] for row in matrix] if exact else [list(row) for row in matrix]
    zero = K[0][0] * 0
    slack = zero if exact else slack
    lower, pivots, schur = ldl(K, zero)
    for k in range(n):
        S = schur[k]
        u = None
        if pivots[k] < -slack:
            u = {k: zero + 1}
        elif abs(pivots[k]) <= slack:
            other = next((i for i in range(k + 1, n) if abs(S[i][k]) > slack), None)
            if other is not None:
                s = S[other][k]
                u = {k: -(S[other][other] + 1) / (2 * s), other: zero + 1}
        if u is not None:
            c = _back_substitute(lower, k, u, n, zero)
            value = quadratic_form([zero + v for v in c], K)
            if value >= 0:
                raise ArithmeticError("the witness vector does not give a negative quadratic form")
            L = tuple(tuple(row[: k + 1]) for row in lower[: k + 1])
            return Certificate(tuple(pivots[: k + 1]), L, k, c, value)
    return Certificate(tuple(pivots), tuple(tuple(row) for row in lower), None, None, None)


def _back_substitute(lower, k: int, u: dict, n: int, zero) -> tuple[int, ...]:
    """c = M⁻ᵀ·(0, …, 0, u) with M the first k columns of L (identity elsewhere), scaled to coprime
    integers (decimals first rounded to nearby fractions)."""
    v = [u.get(i, zero) for i in range(n)]
    c = [zero] * n
    for i in range(n - 1, -1, -1):
        total = v[i]
        if i < k:
            for j in range(i + 1, n):
                total -= lower[j][i] * c[j]
        c[i] = total
    c = [x if isinstance(x, Fraction) else Fraction(x).limit_denominator(10**12) for x in c]
    denominators = math.lcm(*(x.denominator for x in c))
    whole = [int(x * denominators) for x in c]
    common = math.gcd(*whole) or 1
    return tuple(w // common for w in whole)


# --- formulas -------------------------------------------------------------------------------------


def _square(n: int, entries: Sequence) -> list[list]:
    return [list(entries[r * n : (r + 1) * n]) for r in range(n)]


class ldl_pivot(Function):
    """Pivot k (1-based) of the LDLᵀ factorisation of the n×n matrix given row by row: arguments k, n, entries."""

    @classmethod
    def eval(cls, k, n, *entries):
        if k.is_Integer and n.is_Integer and all(e.is_Rational for e in entries):
            value = cls.numeric(None, k, n, *(Fraction(int(e.p), int(e.q)) for e in entries))
            return sympy.Rational(value.numerator, value.denominator)
        return None

    def _textstr(self, printer):
        return f"d{subscript(str(self.args[0]))}"

    def _latex(self, printer, exp=None):
        return f"d_{{{self.args[0]}}}"

    @staticmethod
    def numeric(arith, k, n, *entries):
        k, n = int(k), int(n)
        _, pivots, _ = ldl(_square(n, entries))
        return pivots[k - 1]


class ldl_lower(Function):
    """Entry (i, j) (1-based) of L in the LDLᵀ factorisation of the n×n matrix: arguments i, j, n, entries."""

    @classmethod
    def eval(cls, i, j, n, *entries):
        if i.is_Integer and j.is_Integer and n.is_Integer and all(e.is_Rational for e in entries):
            value = cls.numeric(None, i, j, n, *(Fraction(int(e.p), int(e.q)) for e in entries))
            return sympy.Rational(value.numerator, value.denominator)
        return None

    def _textstr(self, printer):
        return f"L[{self.args[0]},{self.args[1]}]"

    def _latex(self, printer, exp=None):
        return f"L_{{{self.args[0]}{self.args[1]}}}"

    @staticmethod
    def numeric(arith, i, j, n, *entries):
        i, j, n = int(i), int(j), int(n)
        lower, _, _ = ldl(_square(n, entries))
        return lower[i - 1][j - 1]


class ldl_of(Function):
    """The factorisation K = L·D·Lᵀ named in a display formula (never evaluated): D's diagonal, or L."""

    nargs = 2

    def _textstr(self, printer):
        part = "diag(D)" if self.args[1] == 0 else "L"
        return f"{part} of {printer._print(self.args[0])} = L·D·Lᵀ"

    def _sympystr(self, printer):
        return f"ldl_{'D' if self.args[1] == 0 else 'L'}({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        part = r"\operatorname{diag}(D)" if self.args[1] == 0 else "L"
        return rf"{part} \text{{ of }} {printer._print(self.args[0])} = L D L^{{\top}}"
