"""The optimal SVM hyperplane, exact and certified: cvxpy's numeric optimum is only a guide.

The primal problem (hard margin: minimise ½‖w‖² subject to yᵢ(w·xᵢ + b) ≥ 1; soft margin: plus
C·Σξᵢ with yᵢ(w·xᵢ + b) ≥ 1 − ξᵢ, ξᵢ ≥ 0) is solved numerically.  Which points sit on the margin
(and, for a soft margin, which have αᵢ = C) is read from that answer; the KKT system on those points
is then solved in rationals and the result is certified against every KKT condition — feasibility,
0 ≤ α ≤ C, Σαᵢyᵢ = 0, w = Σαᵢyᵢxᵢ and complementary slackness — which proves it optimal.  When a
reading fails to certify, nearby readings and then a small exact search over active sets are
tried: nothing uncertified is ever returned.  A hard-margin problem without a solution gets a
Farkas certificate instead: points of each class whose convex hulls meet.

Everything here is plain ``Fraction`` arithmetic; cvxpy is imported only to solve numerically.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from solver.maths.bounded_simplex import vertex
from solver.maths.linear_algebra import solve as solve_square

Vector = tuple[Fraction, ...]

#: How far from 1 a numeric yᵢf(xᵢ) may be for the point to be read as on the margin, tried in turn.
TOLERANCES = (1e-6, 1e-4, 1e-8, 1e-3, 1e-2, 1e-10)

#: Most subsets of the margin points tried on one reading when there are more than d + 1 of them
#: (then α is not unique, and a vertex of the optimal α is found instead).
MAX_READING_SUBSETS = 200

#: Most candidate active sets tried in the exact search when the numeric readings all fail
#: (a few seconds at most), and the most points for the soft margin's search over labellings.
MAX_SEARCH = 5_000
MAX_SOFT_SEARCH_POINTS = 9


@dataclass(frozen=True)
class Numeric:
    """The numeric optimum that guided the exact one (floats, for information only).

    When the solver found no optimum (it called the problem infeasible), ``w`` and ``b`` are None
    and the margins are all taken as 1, so that the exact search tries points in order.
    """

    solver: str
    status: str
    w: tuple[float, ...] | None
    b: float | None
    alpha: tuple[float, ...]
    margins: tuple[float, ...]

    @property
    def solved(self) -> bool:
        return self.w is not None


@dataclass(frozen=True)
class Optimum:
    """The exact optimum: w, b and α, and how they were found.

    ``solved`` are the points whose α the KKT system determines (each on the margin); ``bounded``
    the points whose α is fixed at C (soft margin).  Every other α is 0.  When no α is free to
    determine b (a soft margin with every αᵢ at 0 or C), b is not unique: ``b_range`` is the
    interval of optimal values and b its midpoint.
    """

    w: Vector
    b: Fraction
    alpha: Vector
    solved: tuple[int, ...]
    bounded: tuple[int, ...]
    b_range: tuple[Fraction | None, Fraction | None] | None
    numeric: Numeric | None

    def margins(self, X: Sequence[Vector], y: Sequence[int]) -> Vector:
        """yᵢ(w·xᵢ + b) for every point."""
        return tuple(yi * (dot(self.w, xi) + self.b) for xi, yi in zip(X, y))


@dataclass(frozen=True)
class Conflict:
    """Why a hard margin is impossible: the convex hulls of these +1 and −1 points meet (at ``point``)."""

    positive: tuple[int, ...]
    negative: tuple[int, ...]
    point: Vector | None


class Uncertified(Exception):
    """No optimum could be proved: the numeric answer was too poor a guide and the search ran out."""


class NotSeparable(Exception):
    """No hyperplane separates the classes; ``conflict`` names the points that prove it."""

    def __init__(self, conflict: Conflict) -> None:
        super().__init__("the points are not linearly separable")
        self.conflict = conflict


def dot(u: Sequence, v: Sequence):
    """u·v for any number type (sympy expressions included)."""
    total = 0
    for a, b in zip(u, v):
        total = total + a * b
    return total


def kkt_system(X: Sequence[Sequence], y: Sequence, solved: Sequence[int], bounded: Sequence[int], C) -> tuple[list[list], list]:
    """The KKT equations on the active set: unknowns α of ``solved`` then b.

    Row j (a point of ``solved``): yⱼ(Σᵢ αᵢyᵢ xᵢ·xⱼ + b) = 1 with the bounded αᵢ = C moved to the
    right; last row: Σᵢ αᵢyᵢ = 0 likewise.  Works for any number type, so the same rows give the
    exact solution here and the formulas of the derivation.
    """
    rows, rhs = [], []
    for j in solved:
        rows.append([y[j] * y[i] * dot(X[i], X[j]) for i in solved] + [y[j]])
        rhs.append(1 - sum((C * y[j] * y[i] * dot(X[i], X[j]) for i in bounded), 0))
    rows.append([y[i] for i in solved] + [0])
    rhs.append(-sum((C * y[i] for i in bounded), 0))
    return rows, rhs


def certify(X: Sequence[Vector], y: Sequence[int], C: Fraction | None, w: Vector, b: Fraction, alpha: Vector) -> str | None:
    """None when (w, b, α) meets every KKT condition exactly (so it is optimal), else what fails."""
    if any(a < 0 for a in alpha):
        return "some α is negative"
    if C is not None and any(a > C for a in alpha):
        return "some α exceeds C"
    if sum((a * yi for a, yi in zip(alpha, y)), Fraction(0)) != 0:
        return "Σ αᵢyᵢ ≠ 0"
    combined = tuple(sum((a * yi * xi[k] for a, yi, xi in zip(alpha, y, X)), Fraction(0)) for k in range(len(w)))
    if combined != tuple(w):
        return "w ≠ Σ αᵢyᵢxᵢ"
    for xi, yi, a in zip(X, y, alpha):
        m = yi * (dot(w, xi) + b)
        if C is None:
            if m < 1:
                return "a point violates yᵢf(xᵢ) ≥ 1"
            if a > 0 and m != 1:
                return "a point with α > 0 is off the margin"
        elif (a == 0 and m < 1) or (0 < a < C and m != 1) or (a == C and m > 1):
            return "complementary slackness fails"
    return None


def solve(X: Sequence[Vector], y: Sequence[int], C: Fraction | None = None) -> Optimum:
    """The certified optimum of the hard margin (C None) or the soft margin with this C.

    Raises :class:`NotSeparable` for a hard margin on data no hyperplane separates, and
    :class:`Uncertified` when no candidate active set gives a certified optimum.
    """
    X = [tuple(Fraction(v) for v in x) for x in X]
    numeric = _numeric(X, y, C)
    if not numeric.solved:
        conflict = find_conflict(X, y)
        if conflict is not None:
            raise NotSeparable(conflict)
    # An infeasibility the exact conflict search could not confirm is rounding: search instead.
    for solved, bounded in _readings(X, y, C, numeric) if numeric.solved else ():
        optimum = _try(X, y, C, solved, bounded, numeric)
        if optimum is not None:
            return optimum
    for solved, bounded in _search(X, y, C, numeric):
        optimum = _try(X, y, C, solved, bounded, numeric)
        if optimum is not None:
            return optimum
    raise Uncertified("no active set read from the numeric optimum, nor any of the small ones searched, "
                      "gives a solution that meets the KKT conditions exactly")


# --- candidate active sets ----------------------------------------------------------------------


def _subsets(points: Sequence[int], largest: int, smallest: int) -> Iterator[tuple[int, ...]]:
    """Subsets of ``points``, largest first, each size in lexicographic order."""
    for size in range(min(len(points), largest), smallest - 1, -1):
        yield from combinations(points, size)


def _readings(X, y, C, numeric: Numeric) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Active sets read from the numeric optimum at each tolerance, and their subsets.

    Among the points on the margin, a subset of at most d + 1 carries the α (a basic solution:
    the system is then non-singular), larger subsets first, so that a unique α is found whole and
    a non-unique one is chosen the same way whatever the numeric solver returned.  With more
    points on the margin than that (α not unique), at most MAX_READING_SUBSETS subsets are tried
    and a vertex of the optimal α is found by an exact simplex (:func:`_vertex`) — first, for a
    soft margin, where the subsets need some of the other points at C rather than at 0.
    """
    d = len(X[0])
    seen, faces = set(), set()
    for tol in TOLERANCES:
        on = tuple(i for i, m in enumerate(numeric.margins) if abs(m - 1) <= tol)
        if C is None:
            on = tuple(i for i, m in enumerate(numeric.margins) if m <= 1 + tol)
            inside: tuple[int, ...] = ()
        else:
            inside = tuple(i for i, m in enumerate(numeric.margins) if m < 1 - tol)
        fresh = bool(on) and (on, inside) not in faces
        faces.add((on, inside))
        tied = len(on) > d + 1
        if fresh and tied and C is not None:
            yield from _vertex(X, y, C, on, inside)
        for count, solved in enumerate(_subsets(on, d + 1, 0 if C is not None else 1)):
            if tied and count >= MAX_READING_SUBSETS:
                break
            rest = [i for i in on if i not in solved]
            hinted = tuple(i for i in rest if numeric.alpha[i] >= float(C) * (1 - 1e-3)) if C is not None else ()
            for bounded in (tuple(sorted(inside + hinted)), inside):
                if (solved, bounded) not in seen:
                    seen.add((solved, bounded))
                    yield solved, bounded
        if fresh and not (tied and C is not None):
            yield from _vertex(X, y, C, on, inside)


def _vertex(X, y, C, on: tuple[int, ...], inside: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The active set of a vertex of the optimal α on one reading, if there is one.

    When α is not unique (more points on the margin than dimensions + 1, or one point twice),
    every subset of the margin points may fail with the rest at 0 — some must sit at C.  The
    optimal α on a reading (margin points M, points inside I held at C) satisfy
    Σ_M αᵢyᵢxᵢ = w − CΣ_I yᵢxᵢ and Σ_M αᵢyᵢ = −CΣ_I yᵢ with 0 ≤ α ≤ C, w from the KKT
    equations of the whole reading; an exact simplex finds a vertex, whose free points carry a
    non-singular KKT system.
    """
    d = len(X[0])
    w = _face_w(X, y, C, on, inside)
    if w is None:
        return
    rows = [[y[i] * X[i][k] for i in on] for k in range(d)] + [[Fraction(y[i]) for i in on]]
    held = [sum((Fraction(C) * y[i] * X[i][k] for i in inside), Fraction(0)) for k in range(d)] if C else [0] * d
    rhs = [w[k] - held[k] for k in range(d)] + [-sum((Fraction(C) * y[i] for i in inside), Fraction(0))]
    alpha = vertex(rows, rhs, [None if C is None else Fraction(C)] * len(on))
    if alpha is None:
        return
    free = tuple(i for i, a in zip(on, alpha) if a > 0 and (C is None or a < C))
    at_c = tuple(i for i, a in zip(on, alpha) if C is not None and a == C)
    yield free, tuple(sorted(inside + at_c))


def _face_w(X, y, C, on, inside) -> Vector | None:
    """w from the KKT equations on a whole reading (α of the margin points unknown, perhaps not
    unique: w and b are), or None if they have no solution."""
    d = len(X[0])
    # unknowns: w (d), b, then the α of the margin points
    rows, rhs = [], []
    for k in range(d):
        rows.append([Fraction(int(j == k)) for j in range(d)] + [Fraction(0)] + [-y[i] * X[i][k] for i in on])
        rhs.append(sum((Fraction(C) * y[i] * X[i][k] for i in inside), Fraction(0)))
    for j in on:
        rows.append([y[j] * X[j][k] for k in range(d)] + [Fraction(y[j])] + [Fraction(0)] * len(on))
        rhs.append(Fraction(1))
    rows.append([Fraction(0)] * (d + 1) + [Fraction(y[i]) for i in on])
    rhs.append(-sum((Fraction(C) * y[i] for i in inside), Fraction(0)))
    solution = solve_consistent(rows, rhs)
    return None if solution is None else tuple(solution[:d])


def _search(X, y, C, numeric: Numeric) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Small active sets, nearest the numeric margin first, at most MAX_SEARCH (the last resort)."""
    n, d = len(X), len(X[0])
    if C is None:
        order = sorted(range(n), key=lambda i: abs(numeric.margins[i] - 1))
        candidates = ((tuple(sorted(solved)), ()) for solved in _subsets(order, d + 1, 2))
    elif n <= MAX_SOFT_SEARCH_POINTS:
        candidates = ((tuple(i for i in range(n) if labels[i] == 1), tuple(i for i in range(n) if labels[i] == 2))
                      for labels in _assignments(n) if labels.count(1) <= d + 1)
    else:
        return
    for tried, candidate in enumerate(candidates):
        if tried >= MAX_SEARCH:
            return
        yield candidate


def _assignments(n: int) -> Iterator[tuple[int, ...]]:
    """Every labelling of n points as 0 (α = 0), 1 (solved) or 2 (α = C)."""
    if n == 0:
        yield ()
        return
    for rest in _assignments(n - 1):
        for label in (0, 1, 2):
            yield rest + (label,)


def _try(X, y, C, solved, bounded, numeric) -> Optimum | None:
    """The optimum with this active set, if its KKT system has a solution that certifies."""
    n, d = len(X), len(X[0])
    alpha = [Fraction(0)] * n
    for i in bounded:
        alpha[i] = Fraction(C)
    b_range = None
    if solved:
        rows, rhs = kkt_system(X, y, solved, bounded, C)
        solution = solve_square([[Fraction(v) for v in row] for row in rows], [Fraction(v) for v in rhs])
        if solution is None:
            return None
        for i, value in zip(solved, solution):
            alpha[i] = value
        b = solution[-1]
        w = _combination(X, y, alpha, d)
    else:
        if C is None:
            return None
        w = _combination(X, y, alpha, d)
        b_range = _b_interval(X, y, w, bounded)
        if b_range is None:
            return None
        b = _midpoint(*b_range)
    if certify(X, y, C, w, b, tuple(alpha)) is not None:
        return None
    return Optimum(w, b, tuple(alpha), tuple(solved), tuple(bounded), b_range, numeric)


def _combination(X, y, alpha, d) -> Vector:
    """w = Σ αᵢyᵢxᵢ."""
    return tuple(sum((a * yi * xi[k] for a, yi, xi in zip(alpha, y, X)), Fraction(0)) for k in range(d))


def _b_interval(X, y, w, bounded) -> tuple[Fraction | None, Fraction | None] | None:
    """The b meeting every KKT condition when no α is free: αᵢ = 0 needs yᵢf ≥ 1, αᵢ = C needs yᵢf ≤ 1."""
    low: Fraction | None = None
    high: Fraction | None = None
    for i, (xi, yi) in enumerate(zip(X, y)):
        bound = yi - dot(w, xi)  # the b at which yᵢf(xᵢ) = 1
        at_least = (yi > 0) != (i in bounded)
        if at_least:
            low = bound if low is None else max(low, bound)
        else:
            high = bound if high is None else min(high, bound)
    if low is not None and high is not None and low > high:
        return None
    return low, high


def _midpoint(low: Fraction | None, high: Fraction | None) -> Fraction:
    if low is None and high is None:
        return Fraction(0)
    if low is None or high is None:
        return low if high is None else high
    return (low + high) / 2


# --- numbers from cvxpy ---------------------------------------------------------------------------


def _numeric(X: Sequence[Vector], y: Sequence[int], C: Fraction | None) -> Numeric:
    """The primal optimum by cvxpy (CLARABEL), in coordinates scaled to order one."""
    import cvxpy as cp
    import numpy as np

    n, d = len(X), len(X[0])
    scale = float(max((abs(v) for x in X for v in x), default=1) or 1)
    A = np.array([[float(v) / scale for v in x] for x in X])
    labels = np.array([float(v) for v in y])
    w, b = cp.Variable(d), cp.Variable()
    if C is None:
        constraint = cp.multiply(labels, A @ w + b) >= 1
        objective = 0.5 * cp.sum_squares(w)
    else:
        xi = cp.Variable(n, nonneg=True)
        constraint = cp.multiply(labels, A @ w + b) >= 1 - xi
        objective = 0.5 * cp.sum_squares(w) + float(C) * scale**2 * cp.sum(xi)
    problem = cp.Problem(cp.Minimize(objective), [constraint])
    solver = "CLARABEL"
    failure = _solve_quietly(problem, solver)
    if failure is not None:
        solver = "OSQP"
        failure = _solve_quietly(problem, solver, eps_abs=1e-10, eps_rel=1e-10, max_iter=200_000)
        if failure is not None:
            raise Uncertified(f"the numeric solvers failed ({failure})")
    if problem.status in ("infeasible", "infeasible_inaccurate"):
        return Numeric(solver, problem.status, None, None, (0.0,) * n, (1.0,) * n)
    if w.value is None or b.value is None:
        raise Uncertified(f"the numeric solver gave no answer (status {problem.status})")
    w_scaled, b_value = [float(v) for v in w.value], float(b.value)
    margins = tuple(float(yi * (A[i] @ np.array(w_scaled) + b_value)) for i, yi in enumerate(labels))
    duals = constraint.dual_value if constraint.dual_value is not None else np.zeros(n)
    return Numeric(
        solver=solver,
        status=problem.status,
        w=tuple(v / scale for v in w_scaled),
        b=b_value,
        alpha=tuple(float(a) / scale**2 for a in np.atleast_1d(duals)),
        margins=margins,
    )


def _solve_quietly(problem, solver: str, **options) -> str | None:
    """Solve a cvxpy problem with ``solver``; None on success, else why it failed.

    Native solvers write banners straight to the process's standard output (HiGHS does, whatever
    its options), where they would corrupt the requested output: file descriptors 1 and 2 point to
    the null device while the solver runs.
    """
    import cvxpy as cp

    with _native_output_silenced():
        try:
            problem.solve(solver=solver, **options)
        except (cp.error.SolverError, ValueError, ArithmeticError) as error:
            return str(error) or type(error).__name__
    return None


@contextmanager
def _native_output_silenced() -> Iterator[None]:
    """Point file descriptors 1 and 2 at the null device for the duration, flushing Python's buffers."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    saved = []
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
                os.dup2(null, fd)
            except OSError:
                pass
        yield
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(null)


def find_conflict(X: Sequence[Vector], y: Sequence[int]) -> Conflict | None:
    """Points of each class whose convex hulls meet (a Farkas certificate that no hyperplane separates
    them), proved in exact arithmetic; None when no such points are found.

    A vertex of {λ ≥ 0 : Σλᵢyᵢxᵢ = 0, Σ₊λᵢ = Σ₋λᵢ = 1}, found by linear programming, names at most
    d + 2 points; its λ is then recomputed exactly to give the common point Σ₊λᵢxᵢ.  If rounding
    misled the solver, the subsets of at most d + 2 points are searched exactly instead.
    """
    import cvxpy as cp
    import numpy as np

    X = [tuple(Fraction(v) for v in x) for x in X]
    n, d = len(X), len(X[0])
    A = np.array([[float(v) for v in x] for x in X])
    labels = np.array([float(v) for v in y])
    lam = cp.Variable(n, nonneg=True)
    positive = labels > 0
    constraints = [A.T @ cp.multiply(labels, lam) == 0, cp.sum(lam[positive]) == 1, cp.sum(lam[~positive]) == 1]
    problem = cp.Problem(cp.Minimize(0), constraints)
    if _solve_quietly(problem, "HIGHS") is not None:
        _solve_quietly(problem, "CLARABEL")
    if lam.value is not None:
        exact = _exact_conflict(X, y, tuple(i for i in range(n) if lam.value[i] > 1e-9))
        if exact is not None:
            return exact
    for tried, support in enumerate(_subsets(range(n), d + 2, 2)):
        if tried >= MAX_SEARCH:
            break
        exact = _exact_conflict(X, y, support)
        if exact is not None:
            return exact
    return None


def _exact_conflict(X, y, support: tuple[int, ...]) -> Conflict | None:
    """The conflict on ``support`` with exact λ, if the equations have a non-negative solution there."""
    d = len(X[0])
    rows = [[y[i] * X[i][k] for i in support] for k in range(d)]
    rows.append([Fraction(1 if y[i] > 0 else 0) for i in support])
    rows.append([Fraction(1 if y[i] < 0 else 0) for i in support])
    rhs = [Fraction(0)] * d + [Fraction(1), Fraction(1)]
    if not any(y[i] > 0 for i in support) or not any(y[i] < 0 for i in support):
        return None
    lam = solve_consistent(rows, rhs)
    if lam is None or any(v < 0 for v in lam):
        return None
    point = tuple(sum((l * X[i][k] for l, i in zip(lam, support) if y[i] > 0), Fraction(0)) for k in range(d))
    used = [i for l, i in zip(lam, support) if l > 0]
    return Conflict(tuple(i for i in used if y[i] > 0), tuple(i for i in used if y[i] < 0), point)


def solve_consistent(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """A solution of a (possibly non-square) system, free unknowns set to 0; None if inconsistent."""
    m = [list(r) + [v] for r, v in zip(rows, rhs)]
    n = len(rows[0]) if rows else 0
    pivots = []
    r = 0
    for c in range(n):
        p = next((k for k in range(r, len(m)) if m[k][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [v / m[r][c] for v in m[r]]
        for k in range(len(m)):
            if k != r and m[k][c] != 0:
                f = m[k][c]
                m[k] = [a - f * b for a, b in zip(m[k], m[r])]
        pivots.append(c)
        r += 1
    if any(all(v == 0 for v in row[:n]) and row[n] != 0 for row in m):
        return None
    solution = [Fraction(0)] * n
    for k, c in enumerate(pivots):
        solution[c] = m[k][n]
    return solution
