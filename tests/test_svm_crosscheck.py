"""The exact SVM optimum against independent checks, on random point sets with small integer coordinates.

For each set: the KKT conditions are re-checked here in exact arithmetic (written afresh, not the
module's own certificate); w and b agree with a second numeric solver (OSQP, where the module uses
CLARABEL); and for sets of at most six points w and b equal the best of a brute-force search that
solves the equality-constrained problem min ½‖w‖² s.t. yⱼ(w·xⱼ + b) = 1 on every small subset of
points, in rationals, and keeps the feasible one of least norm.
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations

import cvxpy as cp
import numpy as np
import pytest

from solver.kinds import catalog
from solver.maths import svm_optimum

HARD_CASES = 300
SOFT_CASES = 80
TIE_CASES = 40


def dot(u, v):
    return sum((a * b for a, b in zip(u, v)), Fraction(0))


def random_separable(rng: random.Random, d: int, n: int) -> tuple[list[tuple[Fraction, ...]], list[int]]:
    """n points in [−3, 3]^d labelled by a random integer hyperplane (none on it), both classes present."""
    while True:
        w0 = [rng.randint(-3, 3) for _ in range(d)]
        if not any(w0):
            continue
        b0 = rng.randint(-3, 3)
        X, y = [], []
        while len(X) < n:
            x = tuple(Fraction(rng.randint(-3, 3)) for _ in range(d))
            side = dot(w0, x) + b0
            if side != 0:
                X.append(x)
                y.append(1 if side > 0 else -1)
        if len(set(y)) == 2:
            return X, y


def random_labelled(rng: random.Random, d: int, n: int):
    """n points in [−3, 3]^d with random labels (often not separable), both classes, no point labelled both ways."""
    while True:
        X = [tuple(Fraction(rng.randint(-3, 3)) for _ in range(d)) for _ in range(n)]
        y = [rng.choice((1, -1)) for _ in range(n)]
        labels = {}
        if len(set(y)) == 2 and all(labels.setdefault(x, yi) == yi for x, yi in zip(X, y)):
            return X, y


def kkt_violation(X, y, C, w, b, alpha) -> str | None:
    """The first KKT condition that fails, in exact arithmetic (None when they all hold)."""
    d = len(w)
    if any(a < 0 or (C is not None and a > C) for a in alpha):
        return "α out of bounds"
    if sum(a * yi for a, yi in zip(alpha, y)) != 0:
        return "Σαy ≠ 0"
    if tuple(sum(a * yi * xi[k] for a, yi, xi in zip(alpha, y, X)) for k in range(d)) != tuple(w):
        return "w ≠ Σαyx"
    for xi, yi, a in zip(X, y, alpha):
        m = yi * (dot(w, xi) + b)
        slack = max(Fraction(0), 1 - m)
        if C is None and m < 1:
            return "infeasible"
        if a > 0 and m + slack != 1:
            return "α > 0 off the margin"
        if C is not None and slack > 0 and a != C:
            return "ξ > 0 with α < C"
    return None


def gauss_jordan(rows: list[list[Fraction]]) -> list[Fraction] | None:
    """Solve an augmented square system exactly; None when it is singular."""
    m = [list(r) for r in rows]
    n = len(m)
    for c in range(n):
        p = next((r for r in range(c, n) if m[r][c] != 0), None)
        if p is None:
            return None
        m[c], m[p] = m[p], m[c]
        m[c] = [v / m[c][c] for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[c])]
    return [row[n] for row in m]


def equality_optimum(X, y, S):
    """min ½‖w‖² s.t. yⱼ(w·xⱼ + b) = 1 for j in S, by its KKT system in (w, b, μ); None if singular."""
    d, k = len(X[0]), len(S)
    size = d + 1 + k
    rows = []
    for c in range(d):  # w_c − Σ μⱼ yⱼ xⱼc = 0
        row = [Fraction(0)] * (size + 1)
        row[c] = Fraction(1)
        for t, j in enumerate(S):
            row[d + 1 + t] = -y[j] * X[j][c]
        rows.append(row)
    row = [Fraction(0)] * (size + 1)  # Σ μⱼ yⱼ = 0
    for t, j in enumerate(S):
        row[d + 1 + t] = Fraction(y[j])
    rows.append(row)
    for j in S:  # yⱼ(w·xⱼ + b) = 1
        row = [Fraction(0)] * (size + 1)
        for c in range(d):
            row[c] = y[j] * X[j][c]
        row[d] = Fraction(y[j])
        row[size] = Fraction(1)
        rows.append(row)
    solution = gauss_jordan(rows)
    return None if solution is None else (tuple(solution[:d]), solution[d])


def brute_force(X, y):
    """The feasible equality optimum of least ‖w‖ over every subset of at most d + 1 points."""
    d, n = len(X[0]), len(X)
    best = None
    for k in range(1, min(n, d + 1) + 1):
        for S in combinations(range(n), k):
            candidate = equality_optimum(X, y, S)
            if candidate is None:
                continue
            w, b = candidate
            if all(yi * (dot(w, xi) + b) >= 1 for xi, yi in zip(X, y)):
                if best is None or dot(w, w) < dot(best[0], best[0]):
                    best = (w, b)
    return best


def osqp(X, y, C=None):
    """w, b and the objective from OSQP (a second solver), tightly converged."""
    A = np.array([[float(v) for v in x] for x in X])
    labels = np.array([float(v) for v in y])
    w, b = cp.Variable(A.shape[1]), cp.Variable()
    if C is None:
        objective, constraints = 0.5 * cp.sum_squares(w), [cp.multiply(labels, A @ w + b) >= 1]
    else:
        xi = cp.Variable(len(X), nonneg=True)
        objective = 0.5 * cp.sum_squares(w) + float(C) * cp.sum(xi)
        constraints = [cp.multiply(labels, A @ w + b) >= 1 - xi]
    problem = cp.Problem(cp.Minimize(objective), constraints)
    problem.solve(solver="OSQP", eps_abs=1e-10, eps_rel=1e-10, max_iter=400_000, polishing=True)
    assert problem.status == "optimal"
    return w.value, float(b.value), problem.value


def _cases():
    for i in range(HARD_CASES):
        rng = random.Random(i)
        d = 2 if i % 2 == 0 else 3
        n = rng.randint(2, 6) if i % 3 else rng.randint(7, 10)
        yield random_separable(rng, d, n)


def test_hard_margin_random_sets():
    brute_forced = 0
    for X, y in _cases():
        optimum = svm_optimum.solve(X, y)
        assert kkt_violation(X, y, None, optimum.w, optimum.b, optimum.alpha) is None, (X, y)
        w_numeric, b_numeric, _ = osqp(X, y)
        scale = max(1.0, max(abs(float(v)) for v in optimum.w), abs(float(optimum.b)))
        assert np.allclose(w_numeric, [float(v) for v in optimum.w], atol=1e-5 * scale), (X, y)
        assert abs(b_numeric - float(optimum.b)) < 1e-5 * scale, (X, y)
        if len(X) <= 6:
            assert brute_force(X, y) == (optimum.w, optimum.b), (X, y)
            brute_forced += 1
    assert brute_forced >= 150


def test_soft_margin_random_sets():
    for i in range(SOFT_CASES):
        rng = random.Random(10_000 + i)
        d = 2 if i % 2 == 0 else 3
        C = rng.choice((Fraction(1, 2), Fraction(1), Fraction(2), Fraction(5)))
        X, y = random_labelled(rng, d, rng.randint(3, 8))
        optimum = svm_optimum.solve(X, y, C)
        assert kkt_violation(X, y, C, optimum.w, optimum.b, optimum.alpha) is None, (X, y, C)
        w_numeric, _, objective = osqp(X, y, C)
        slack = sum(max(Fraction(0), 1 - yi * (dot(optimum.w, xi) + optimum.b)) for xi, yi in zip(X, y))
        exact = dot(optimum.w, optimum.w) / 2 + C * slack
        assert abs(objective - float(exact)) < 1e-6 * max(1.0, float(exact)), (X, y, C)
        assert np.allclose(w_numeric, [float(v) for v in optimum.w], atol=1e-4), (X, y, C)


def random_ties(rng: random.Random, n: int):
    """n points on the 5×5 grid [−2, 2]² with random labels: lattice points crowd onto the margin
    (and points repeat), so that α is often not unique."""
    while True:
        X = [tuple(Fraction(rng.randint(-2, 2)) for _ in range(2)) for _ in range(n)]
        y = [rng.choice((1, -1)) for _ in range(n)]
        labels = {}
        if len(set(y)) == 2 and all(labels.setdefault(x, yi) == yi for x, yi in zip(X, y)):
            return X, y


def test_soft_margin_random_sets_with_ties():
    ties = 0
    for i in range(TIE_CASES):
        rng = random.Random(70_000 + i)
        C = rng.choice((Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(1)))
        X, y = random_ties(rng, rng.randint(8, 14))
        optimum = svm_optimum.solve(X, y, C)
        assert kkt_violation(X, y, C, optimum.w, optimum.b, optimum.alpha) is None, (X, y, C)
        _, _, objective = osqp(X, y, C)
        slack = sum(max(Fraction(0), 1 - yi * (dot(optimum.w, xi) + optimum.b)) for xi, yi in zip(X, y))
        exact = dot(optimum.w, optimum.w) / 2 + C * slack
        assert abs(objective - float(exact)) < 1e-6 * max(1.0, float(exact)), (X, y, C)
        on_margin = sum(m == 1 for m in optimum.margins(X, y))
        ties += on_margin > 3 or len(set(X)) < len(X)
    assert ties >= TIE_CASES // 3


def test_the_soft_margin_whose_alpha_is_not_unique():
    # C = 0.1 on twelve points; worked by hand: with w = (−1/7, −3/7), b = 4/7 the margins yᵢf(xᵢ) are
    # A 1, B 8/7, C 13/7, D −5/7, E 1, F 18/7, G 12/7, H 1, I 11/7, J 12/7, K 1, L −3/7: A, E, H, K on the
    # margin (four, more than d + 1 = 3), D and L inside (α = C). α_E = C, α_A = 29/490,
    # α_H = 37/490, α_K = 41/490 meets every KKT condition (Σαᵢyᵢ = 0, Σαᵢyᵢxᵢ = w), so it is optimal.
    points = {"A": ((2, 3), -1), "B": ((-4, 0), 1), "C": ((-3, -2), 1), "D": ((-4, 1), -1), "E": ((0, -1), 1),
              "F": ((-2, -4), 1), "G": ((4, -4), 1), "H": ((3, -2), 1), "I": ((-1, -2), 1), "J": ((-2, -2), 1),
              "K": ((-3, 0), 1), "L": ((4, -1), -1)}
    X = [tuple(Fraction(v) for v in x) for x, _ in points.values()]
    y = [label for _, label in points.values()]
    C = Fraction(1, 10)
    alpha = [Fraction(0)] * 12
    for name, value in {"A": Fraction(29, 490), "D": C, "E": C, "H": Fraction(37, 490), "K": Fraction(41, 490),
                        "L": C}.items():
        alpha[list(points).index(name)] = value
    assert kkt_violation(X, y, C, (Fraction(-1, 7), Fraction(-3, 7)), Fraction(4, 7), alpha) is None
    body = ",\n".join(f'  {{ name = "{n}", x = [{x[0]}, {x[1]}], y = {label} }}' for n, (x, label) in points.items())
    derivation = catalog.load_text(f'kind = "svm"\ntitle = "ties"\nC = 0.1\npoints = [\n{body},\n]\n'.encode(),
                                   "ties.toml")
    by_key = derivation.by_key
    assert [v.exact for v in by_key["w"].values] == [Fraction(-1, 7), Fraction(-3, 7)]
    assert by_key["b"].values[0].exact == Fraction(4, 7)
    shown = [by_key[f"alpha.{n.lower()}"].values[0].exact for n in points]
    assert shown[list(points).index("D")] == shown[list(points).index("L")] == C
    assert kkt_violation(X, y, C, (Fraction(-1, 7), Fraction(-3, 7)), Fraction(4, 7), shown) is None
    assert set(by_key["bounded_support_vectors"].members()) >= {"D", "L"}


def _toml(X, y, C=None) -> bytes:
    points = ",\n".join(
        f'  {{ x = [{", ".join(str(v) for v in x)}], y = {yi} }}' for x, yi in zip(X, y))
    head = 'kind = "svm"\ntitle = "random"\n' + (f'C = "{C}"\n' if C is not None else "")
    return (head + f"points = [\n{points},\n]\n").encode()


@pytest.mark.parametrize("seed", range(12))
def test_derivation_of_random_sets(seed):
    """The whole derivation: its w and b steps are the certified optimum, its sets what the margins say."""
    rng = random.Random(50_000 + seed)
    d = 2 + seed % 2
    soft = seed % 3 == 0
    X, y = random_labelled(rng, d, rng.randint(3, 7)) if soft else random_separable(rng, d, rng.randint(2, 7))
    C = Fraction(1) if soft else None
    optimum = svm_optimum.solve(X, y, C)
    derivation = catalog.load_text(_toml(X, y, C), "random.toml")
    by_key = derivation.by_key
    assert [v.exact for v in by_key["w"].values] == list(optimum.w) if d > 1 else True
    assert by_key["b"].values[0].exact == optimum.b
    margins = optimum.margins(X, y)
    expected = {f"P{i + 1}" for i, m in enumerate(margins) if (m <= 1 if soft else m == 1)}
    assert set(by_key["support_vectors"].members()) == expected
    for i, a in enumerate(optimum.alpha):
        assert by_key[f"alpha.p{i + 1}"].values[0].exact == a
