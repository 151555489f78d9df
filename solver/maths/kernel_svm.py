"""The hard-margin kernel SVM on a Gram matrix, exact and certified: cvxpy's numeric dual is only a guide.

The dual problem — maximise Σαᵢ − ½ΣᵢΣⱼ αᵢαⱼyᵢyⱼKᵢⱼ subject to αᵢ ≥ 0, Σαᵢyᵢ = 0 — is solved
numerically; the points it puts on the margin are read off, the KKT system on them
(yⱼ(Σᵢ αᵢyᵢKᵢⱼ + b) = 1, Σαᵢyᵢ = 0) is solved in the Gram matrix's own arithmetic, and the result is
certified against every KKT condition: α ≥ 0, Σαᵢyᵢ = 0, every yⱼf(xⱼ) ≥ 1 and αⱼ > 0 only where
yⱼf(xⱼ) = 1.  With K positive semi-definite these prove the α optimal.  A rational K is worked in
``Fraction`` (a proof); a K with irrational entries (an RBF kernel) in 60-digit ``Decimal``, where
"= 1" and "≥ 0" hold to within 10⁻⁴⁰ (a strong check, not a proof, and said so).  Points that no
hyperplane in the feature space separates get an exact certificate instead: convex hulls that meet
there, found as points whose Gram rows combine to 0 (:func:`svm_optimum.find_conflict` on K's rows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import combinations

from solver.maths import svm_optimum
from solver.maths.linear_algebra import solve as solve_square
from solver.maths.numbers import NUMERIC

#: How far from 1 a numeric yⱼf(xⱼ) may be for the point to be read as on the margin, tried in turn.
TOLERANCES = (1e-6, 1e-4, 1e-8, 1e-3, 1e-2)
#: Most active sets tried in all before giving up.
MAX_TRIES = 5_000
#: Slack of the 60-digit certificate for an irrational Gram matrix.
SLACK = Decimal("1e-40")


@dataclass(frozen=True)
class NumericDual:
    """The numeric optimum that guided the exact one (floats, for information only)."""

    solver: str
    status: str
    alpha: tuple[float, ...]
    b: float


@dataclass(frozen=True)
class KernelOptimum:
    """α and b of the hard-margin kernel SVM; ``solved`` are the points whose α the KKT system gives
    (every other α is 0).  ``exact`` is False when K is irrational and the values are 60-digit decimals."""

    alpha: tuple
    b: object
    solved: tuple[int, ...]
    exact: bool
    numeric: NumericDual


class NotSeparable(Exception):
    """No hyperplane in the feature space separates the classes (``conflict`` proves it)."""

    def __init__(self, conflict: svm_optimum.Conflict | None) -> None:
        super().__init__("the points are not separable in the feature space")
        self.conflict = conflict


class Uncertified(Exception):
    """No active set read from the numeric dual gave a solution that meets the KKT conditions."""


def kkt_system(K: Sequence[Sequence], y: Sequence, solved: Sequence[int]) -> tuple[list[list], list]:
    """The KKT equations on ``solved`` in unknowns (α of ``solved``, then b), in any number type:
    row j is yⱼ(Σᵢ αᵢyᵢKᵢⱼ + b) = 1, the last row Σᵢ αᵢyᵢ = 0."""
    rows, rhs = [], []
    for j in solved:
        rows.append([y[j] * y[i] * K[i][j] for i in solved] + [y[j]])
        rhs.append(1)
    rows.append([y[i] for i in solved] + [0])
    rhs.append(0)
    return rows, rhs


def decision_values(K, y, alpha, b) -> list:
    """f(xⱼ) = Σᵢ αᵢyᵢKᵢⱼ + b for every point."""
    n = len(y)
    return [sum((alpha[i] * y[i] * K[i][j] for i in range(n)), 0 * b) + b for j in range(n)]


def certify(K, y, alpha, b, exact: bool) -> str | None:
    """None when (α, b) meets every KKT condition (exactly, or to within 10⁻⁴⁰), else what fails."""
    slack = 0 if exact else SLACK
    if any(a < -slack for a in alpha):
        return "some α is negative"
    if abs(sum((a * yi for a, yi in zip(alpha, y)), 0 * b)) > slack:
        return "Σ αᵢyᵢ ≠ 0"
    for a, m in zip(alpha, (yi * f for yi, f in zip(y, decision_values(K, y, alpha, b)))):
        if m < 1 - slack:
            return "a point violates yᵢf(xᵢ) ≥ 1"
        if a > slack and abs(m - 1) > slack:
            return "a point with α > 0 is off the margin"
    return None


def solve(K: Sequence[Sequence], y: Sequence[int], exact: bool) -> KernelOptimum:
    """The certified hard-margin optimum on the Gram matrix K (``Fraction`` entries when ``exact``,
    else ``Decimal``).  K must be positive semi-definite (the caller has certified it)."""
    numeric = _numeric(K, y)
    if numeric is None:
        conflict = svm_optimum.find_conflict([tuple(Fraction(v) for v in row) for row in K], y) if exact else None
        raise NotSeparable(conflict)
    for tried, solved in enumerate(_readings(K, y, numeric)):
        if tried >= MAX_TRIES:
            break
        optimum = _try(K, y, solved, exact, numeric)
        if optimum is not None:
            return optimum
    if exact:
        conflict = svm_optimum.find_conflict([tuple(Fraction(v) for v in row) for row in K], y)
        if conflict is not None:
            raise NotSeparable(conflict)
    raise Uncertified("no active set read from the numeric dual gives α and b that meet the KKT conditions")


def _try(K, y, solved, exact: bool, numeric: NumericDual) -> KernelOptimum | None:
    rows, rhs = kkt_system(K, y, solved)
    with localcontext(NUMERIC):
        convert = Fraction if exact else Decimal
        solution = solve_square([[convert(v) for v in row] for row in rows], [convert(v) for v in rhs])
        if solution is None:
            return None
        alpha = [convert(0)] * len(y)
        for i, value in zip(solved, solution):
            alpha[i] = value
        b = solution[-1]
        if certify(K, y, alpha, b, exact) is not None:
            return None
    return KernelOptimum(tuple(alpha), b, tuple(solved), exact, numeric)


def _readings(K, y, numeric: NumericDual) -> Iterator[tuple[int, ...]]:
    """Active sets: the points the numeric optimum puts on the margin at each tolerance, largest
    sets first, then their subsets (both classes always present)."""
    n = len(y)
    Kf = [[float(v) for v in row] for row in K]
    f = [sum(numeric.alpha[i] * y[i] * Kf[i][j] for i in range(n)) + numeric.b for j in range(n)]
    margins = [y[j] * f[j] for j in range(n)]
    seen = set()
    for tol in TOLERANCES:
        on = tuple(j for j in range(n) if abs(margins[j] - 1) <= tol)
        for size in range(len(on), 1, -1):
            for solved in combinations(on, size):
                if solved in seen or len({y[i] for i in solved}) < 2:
                    continue
                seen.add(solved)
                yield solved
    order = sorted(range(n), key=lambda j: abs(margins[j] - 1))
    for size in range(2, n + 1):
        for solved in combinations(order, size):
            solved = tuple(sorted(solved))
            if solved not in seen and len({y[i] for i in solved}) == 2:
                seen.add(solved)
                yield solved


def _numeric(K, y) -> NumericDual | None:
    """The dual optimum by cvxpy (CLARABEL) on K scaled to order one; None when it is unbounded
    (no separating hyperplane in the feature space)."""
    import cvxpy as cp
    import numpy as np

    n = len(y)
    A = np.array([[float(v) for v in row] for row in K])
    scale = float(np.abs(A).max()) or 1.0
    A = (A + A.T) / (2 * scale)
    eigenvalues, vectors = np.linalg.eigh(A)
    G = (vectors * np.sqrt(np.clip(eigenvalues, 0, None))).T
    labels = np.array([float(v) for v in y])
    alpha = cp.Variable(n, nonneg=True)
    problem = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(G @ cp.multiply(labels, alpha)) - cp.sum(alpha)),
                         [labels @ alpha == 0])
    solver = "CLARABEL"
    failure = svm_optimum._solve_quietly(problem, solver)
    if failure is not None:
        solver = "OSQP"
        failure = svm_optimum._solve_quietly(problem, solver, eps_abs=1e-10, eps_rel=1e-10, max_iter=200_000)
        if failure is not None:
            raise Uncertified(f"the numeric solvers failed ({failure})")
    if problem.status in ("unbounded", "unbounded_inaccurate", "infeasible_or_unbounded") or alpha.value is None:
        return None
    values = np.clip(alpha.value, 0, None) / scale
    if values.max() > 1e12 / scale:
        return None
    support = [i for i in range(n) if values[i] > 1e-6 * values.max()]
    Kf = A * scale
    biases = sorted(labels[i] - sum(values[k] * labels[k] * Kf[k][i] for k in range(n)) for i in support)
    b = float(biases[len(biases) // 2]) if biases else 0.0
    return NumericDual(solver, problem.status, tuple(float(v) for v in values), b)
