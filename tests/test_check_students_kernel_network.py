"""Simulated students (``tests/students_kernel_network.py``) on the kernel-SVM and network built-ins,
graded as in ``tests/test_check_students.py``: rounding to 2, 3 or 4 places and working from the
numbers written gives no ``wrong``; one slip is marked once; a planted mistake is named.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from tests.students import Notebook
from tests.students_kernel_network import exact, kernel_student, network_kind_student
from tests.test_check_students import (
    PLACES,
    _assert_marked_once,
    _assert_named,
    _slipped,
    grade,
    problem_file,
    wrong_keys,
)

# The dual solutions, worked by hand (and checked below against the KKT conditions, in mpmath):
# kernel-xor, K = (1 + x·y)²: by symmetry every αᵢ = 1/8, b = 0 (f(A) = (1/8)(−9 − 1 + 1 + 1) = −1).
# kernel-line-abs, φ(x) = |x − 2|: the margins are φ = 1 (+1) and φ = 2 (−1): w + b = 1, 2w + b = −1, so
# w = −2, b = 3; the solver's α puts 2 on A and on B (w = −2·2 + 2·1 = −2, Σαy = 0).
# kernel-rings, φ(x) = x₁² + x₂²: C (φ = 2, +1) and F (φ = 8, −1): 2w + b = 1, 8w + b = −1, so w = −1/3,
# b = 5/3; α_C = α_F = α with w = 2α − 8α = −1/3, α = 1/18.
KERNELS = {
    "kernel-xor": ({n: Fraction(1, 8) for n in "ABCD"}, None),
    "kernel-line-abs": ({"A": Fraction(2), "B": Fraction(2)}, lambda x: [abs(x[0] - 2)]),
    "kernel-rings": ({"C": Fraction(1, 18), "F": Fraction(1, 18)}, lambda x: [x[0] ** 2 + x[1] ** 2]),
}
NETWORKS = ["network-tent", "network-pulse", "network-two-lines", "network-triangle", "network-xor-step"]


@pytest.fixture(scope="module")
def plans():
    cache = {}

    def plan(name: str) -> CheckPlan:
        if name not in cache:
            cache[name] = CheckPlan(catalog.load(name), Tolerance(4))
        return cache[name]

    return plan


def kernel(name: str):
    alpha, phi = KERNELS[name]
    problem = problem_file(name)
    return lambda nb, how=None: kernel_student(problem, alpha, nb, phi, how)


@pytest.mark.parametrize("name", KERNELS)
def test_the_hand_worked_duals_satisfy_the_kkt_conditions(name):
    alpha, phi = KERNELS[name]
    problem = problem_file(name)
    points = problem["points"]
    xs = {p["name"]: [exact(v) for v in (p["x"] if isinstance(p["x"], list) else [p["x"]])] for p in points}
    y = {p["name"]: exact(p["y"]) for p in points}
    if phi is None:
        k = lambda a, b: (1 + sum(u * v for u, v in zip(a, b))) ** 2  # noqa: E731
    else:
        k = lambda a, b: sum(u * v for u, v in zip(phi(a), phi(b)))  # noqa: E731
    a = {n: exact(alpha.get(n, 0)) for n in xs}
    assert sum(a[n] * y[n] for n in xs) == 0 and all(v >= 0 for v in a.values())
    first = next(n for n in xs if a[n] > 0)
    b = y[first] - sum(a[m] * y[m] * k(xs[m], xs[first]) for m in xs)
    margins = {n: y[n] * (sum(a[m] * y[m] * k(xs[m], xs[n]) for m in xs) + b) for n in xs}
    assert all(v >= 1 - mpmath.mpf(10) ** -40 for v in margins.values())
    assert all(abs(margins[n] - 1) < mpmath.mpf(10) ** -40 for n in xs if a[n] > 0)


@pytest.mark.parametrize("places", PLACES)
def test_kernel_and_network_students_get_no_wrong(plans, places):
    cases = [(name, kernel(name)) for name in KERNELS]
    cases += [(name, lambda nb, problem=problem_file(name): network_kind_student(problem, nb)) for name in NETWORKS]
    for name, student in cases:
        notebook = student(Notebook(places))
        _, results = grade(plans(name), notebook)
        assert wrong_keys(results) == [], (name, places, [results[k] for k in wrong_keys(results)])
        assert len(results) == len(notebook.lines)


@pytest.mark.parametrize("name", [*KERNELS, *NETWORKS])
def test_one_slip_in_a_kernel_svm_or_a_network(plans, name):
    if name in KERNELS:
        # the α are the dual's solution, not worked from anything: a slip there changes the problem
        student, avoid = kernel(name), tuple(f"alpha.{n}" for n in "ABCDEF")
    else:
        student, avoid = (lambda nb, problem=problem_file(name): network_kind_student(problem, nb)), ()
    rng = random.Random(name)
    for _ in range(3):
        notebook, key = _slipped(student, rng.choice(PLACES), rng, avoid)
        _, results = grade(plans(name), notebook)
        _assert_marked_once(results, key, name)
        after = [r for r in results.values() if r.order > results[key].order]
        assert all(r.verdict in ("follows_through", "correct", "imprecise") for r in after), (name, key)


PLANTED = [
    ("kernel-xor", "margin", "margin_as_width"),
    ("kernel-rings", "margin", "margin_as_width"),
    ("kernel-line-abs", "f.C", "missing_bias"),
    ("kernel-rings", "f.A", "missing_bias"),  # kernel-xor has b = 0: nothing to tell apart there
    ("kernel-rings", "mean_norm", "sum_instead_of_mean"),
    ("network-tent", "h2.A", "activation_missing"),
    ("network-xor-step", "h_and.P01", "activation_missing"),
    ("network-two-lines", "below.A", "threshold_as_bias"),
    ("network-pulse", "h2.C", "threshold_as_bias"),
]


@pytest.mark.parametrize("name, key, planted", PLANTED, ids=[f"{n}-{m}-{k}" for n, k, m in PLANTED])
def test_each_mistake_in_a_kernel_svm_or_a_network_is_named(plans, name, key, planted):
    if name in KERNELS:
        student = kernel(name)
    else:
        student = lambda nb, how=None, problem=problem_file(name): network_kind_student(problem, nb, how)  # noqa: E731
    honest, notebook = student(Notebook(4)), student(Notebook(4), {key: planted})
    assert notebook.written[key] != honest.written[key]  # the plant is visible at 4 places
    _, results = grade(plans(name), notebook)
    _assert_named(results, [key], planted, honest, notebook, (name, planted))
