"""Small dense linear systems solved by Gaussian elimination, in whatever number type is given.

With ``Fraction`` entries the answer is exact (and a singular system is recognised exactly);
with ``Decimal`` entries call inside the working-precision context.  Used where a quantity is
defined as the solution of a system of equations (the KKT system of an SVM).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def solve(matrix: Sequence[Sequence[T]], rhs: Sequence[T]) -> list[T] | None:
    """The solution u of the square system matrix·u = rhs, or None when the matrix is singular.

    Entries must all be ``Fraction`` (or all ``Decimal``): plain ints would divide into floats.
    """
    n = len(rhs)
    rows = [list(row) + [r] for row, r in zip(matrix, rhs)]
    if len(rows) != n or any(len(row) != n + 1 for row in rows):
        raise ValueError("solve needs a square matrix and a right-hand side of the same size")
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if rows[pivot][col] == 0:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col]
        for r in range(col + 1, n):
            factor = rows[r][col] / head[col]
            if factor != 0:
                rows[r] = [a - factor * h for a, h in zip(rows[r], head)]
    solution: list = [None] * n
    for col in range(n - 1, -1, -1):
        row = rows[col]
        total = row[n]
        for k in range(col + 1, n):
            total -= row[k] * solution[k]
        solution[col] = total / row[col]
    return solution
