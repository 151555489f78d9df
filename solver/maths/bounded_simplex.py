"""A vertex of a polytope {x : Ax = r, 0 ≤ x ≤ u}, exactly: the first phase of the simplex method.

Used where an optimum's dual variables are not unique (an SVM with more points on its margin than
dimensions + 1): any vertex of the set of optimal α has its free variables' columns linearly
independent, so the KKT system on them is square and non-singular, and it can be certified.
Arithmetic is ``Fraction``; Bland's rule (the lowest index enters and leaves) makes the result
the same on every run and guarantees termination on degenerate polytopes.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

#: Most pivots before giving up (Bland's rule terminates; this only bounds the work on absurd input).
MAX_PIVOTS = 5_000


def vertex(A: Sequence[Sequence[Fraction]], r: Sequence[Fraction],
           upper: Sequence[Fraction | None]) -> list[Fraction] | None:
    """A vertex of {x : A x = r, 0 ≤ x ≤ upper} (an upper bound of None is no bound), or None if
    the set is empty (or the pivots run out)."""
    m, n = len(A), len(upper)
    bounded = [j for j in range(n) if upper[j] is not None]
    k = len(bounded)
    width = n + k + m  # x, then a slack per upper bound, then an artificial per row of A
    rows: list[list[Fraction]] = []
    for i in range(m):
        sign = -1 if r[i] < 0 else 1
        row = [Fraction(sign * A[i][j]) for j in range(n)] + [Fraction(0)] * (k + m)
        row[n + k + i] = Fraction(1)
        rows.append(row + [Fraction(sign * r[i])])
    for s, j in enumerate(bounded):
        row = [Fraction(0)] * width
        row[j] = Fraction(1)
        row[n + s] = Fraction(1)
        rows.append(row + [Fraction(upper[j])])
    if any(row[-1] < 0 for row in rows):
        return None  # a negative upper bound
    basis = [n + k + i for i in range(m)] + [n + s for s in range(k)]
    # phase one: minimise the sum of the artificials, i.e. their rows' sum subtracted from 0
    cost = [Fraction(0)] * (width + 1)
    for i in range(m):
        for j in range(width + 1):
            cost[j] -= rows[i][j]
    for i in range(m):
        cost[n + k + i] = Fraction(0)
    for _ in range(MAX_PIVOTS):
        entering = next((j for j in range(width) if cost[j] < 0), None)
        if entering is None:
            break
        leaving = _ratio_test(rows, basis, entering)
        if leaving is None:
            return None  # unbounded, which phase one cannot be: only on inconsistent input
        _pivot(rows, cost, basis, leaving, entering)
    else:
        return None
    if cost[-1] != 0:  # the artificials could not all reach 0: no point satisfies the equations
        return None
    x = [Fraction(0)] * n
    for row, variable in zip(rows, basis):
        if variable < n:
            x[variable] = row[-1]
    return x


def _ratio_test(rows: list[list[Fraction]], basis: list[int], entering: int) -> int | None:
    """The row that leaves: least ratio, ties to the lowest basic variable (Bland)."""
    best, best_ratio = None, None
    for i, row in enumerate(rows):
        if row[entering] > 0:
            ratio = row[-1] / row[entering]
            if best_ratio is None or ratio < best_ratio or (ratio == best_ratio and basis[i] < basis[best]):
                best, best_ratio = i, ratio
    return best


def _pivot(rows: list[list[Fraction]], cost: list[Fraction], basis: list[int], leaving: int, entering: int) -> None:
    pivot_row = rows[leaving]
    factor = pivot_row[entering]
    rows[leaving] = pivot_row = [v / factor for v in pivot_row]
    for i, row in enumerate(rows):
        if i != leaving and row[entering] != 0:
            f = row[entering]
            rows[i] = [a - f * b for a, b in zip(row, pivot_row)]
    if cost[entering] != 0:
        f = cost[entering]
        cost[:] = [a - f * b for a, b in zip(cost, pivot_row)]
    basis[leaving] = entering
