"""Simulated students (``tests/students.py``) graded by the checker, as a careful TA would grade them.

Each student rounds every value to 2, 3 or 4 places and works each next step from the numbers written
(never from the solver's).  An honest student gets no ``wrong``; a student with one slip gets that slip
marked ``wrong`` once and everything after it ``follows_through`` (or ``correct``, ``imprecise``); a
student who makes a named mistake gets that mistake named, or, where its value cannot be told from
the right one at the precision written, no mistake named.  Problems: random networks from
``tests/test_backprop_crosscheck.py`` (every activation, loss, layout and update mode) and the softmax,
graph and SVM built-ins.
"""

from __future__ import annotations

import random
import tomllib
from collections import Counter
from fractions import Fraction

import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from solver.kinds.catalog import load_text
from solver.reading.answer_file import parse_answers
from tests.students import (
    Notebook,
    Unworkable,
    network_student,
    skip_graph_student,
    softmax_network_student,
    softmax_student,
    svm_student,
)
from tests.test_backprop_crosscheck import problem_text, random_problem

NETWORK_SEEDS = range(24)
PLACES = (2, 3, 4)


def grade(plan: CheckPlan, notebook: Notebook):
    report = plan.check(parse_answers(notebook.text().encode(), "student.toml"), "student.toml")
    return report, {r.key: r for r in report.results}


def verdicts(results) -> Counter:
    return Counter(r.verdict for r in results.values())


def wrong_keys(results) -> list[str]:
    return [key for key, r in results.items() if r.verdict in ("wrong", "invalid")]


@pytest.fixture(scope="module")
def networks():
    cache = {}

    def network(seed: int):
        if seed not in cache:
            spec = random_problem(seed)
            cache[seed] = spec, CheckPlan(load_text(problem_text(spec), f"random-{seed}.toml"), Tolerance(4))
        return cache[seed]

    return network


def problem_file(name: str) -> dict:
    return tomllib.loads(catalog.resolve(name)[1].read_text())


# --- honest students ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", NETWORK_SEEDS)
def test_a_student_who_rounds_and_carries_their_values_gets_no_wrong(networks, seed):
    spec, plan = networks(seed)
    graded = 0
    for places in PLACES:
        try:
            notebook = network_student(spec, Notebook(places))
        except Unworkable:
            continue
        _, results = grade(plan, notebook)
        assert wrong_keys(results) == [], (seed, places, [(k, results[k]) for k in wrong_keys(results)])
        assert len(results) == len(plan.steps)
        graded += 1
    assert graded


def test_the_issue_s_student_gets_no_wrong():
    """relu-111-sgd-small, every value to 4 places, each worked from the numbers written: five were wrong."""
    spec = {"W": [[[Fraction("0.1")]], [[Fraction("0.3")]]], "b": [[Fraction("0.2")], [Fraction("0.4")]],
            "activations": ["relu", "identity"], "loss": "half_mse", "layout": "in_out", "mode": "sgd",
            "batch_size": 1, "epochs": 1, "eta": Fraction(1, 100), "slope": Fraction(1, 100), "h0": Fraction(0),
            "samples": [([Fraction(1)], [Fraction(3)]), ([Fraction(2)], [Fraction(4)]), ([Fraction(3)], [Fraction(5)])]}
    plan = CheckPlan(catalog.load("relu-111-sgd-small"), Tolerance(4))
    report, results = grade(plan, network_student(spec, Notebook(4)))
    assert len(results) == 51 and wrong_keys(results) == []
    assert verdicts(results)["correct"] == 51  # nothing before them was wrong, so they are simply correct
    assert report.patterns == []


@pytest.mark.parametrize("places", PLACES)
def test_softmax_and_graph_students_get_no_wrong(places):
    cases = [
        ("softmax-ce", lambda nb: softmax_student([2, 1, Fraction(1, 10)], [1, 0, 0], nb)),
        ("net-2232-softmax", lambda nb: softmax_network_student(problem_file("net-2232-softmax"), nb)),
        ("graph-skip", lambda nb: skip_graph_student(problem_file("graph-skip"), nb)),
        ("graph-skip-scalar", lambda nb: skip_graph_student(problem_file("graph-skip-scalar"), nb)),
    ]
    for name, student in cases:
        plan = CheckPlan(catalog.load(name), Tolerance(4))
        _, results = grade(plan, student(Notebook(places)))
        assert wrong_keys(results) == [], (name, places, [results[k] for k in wrong_keys(results)])
        assert len(results) == len(plan.steps)


SVMS = {
    "svm-six-points": ([-2, -2], 3, {"B", "C", "D", "F"}, {}),
    "svm-soft-margin": ([Fraction(-2, 3), Fraction(-2, 3)], Fraction(5, 3), {"B", "C", "D", "G"},
                        {"free": {"B", "C", "D"}, "bounded": {"G"}}),
    "svm-3d": ([-1, -1, -1], 2, {"B", "C", "D", "E"}, {}),
    "svm-given-hyperplane": ([-2, 0], 5, {"B", "C"}, {}),
}


@pytest.mark.parametrize("places", PLACES)
@pytest.mark.parametrize("name", SVMS)
def test_svm_students_get_no_wrong(name, places):
    w, b, support, sets = SVMS[name]
    plan = CheckPlan(catalog.load(name), Tolerance(4))
    _, results = grade(plan, svm_student(problem_file(name), w, b, Notebook(places), support, **sets))
    assert wrong_keys(results) == [], (name, places, [results[k] for k in wrong_keys(results)])


# --- one slip -----------------------------------------------------------------------------------


def _slipped(student, places: int, rng: random.Random, avoid=()):
    """A notebook with one slip in a random key (and the key), worked on from the slipped value."""
    honest = student(Notebook(places))
    keys = [k for k in honest.written if not any(k.endswith(a) for a in avoid)]
    for _ in range(20):
        key = rng.choice(keys)
        first = honest.written[key]
        while isinstance(first, list):
            first = first[0]
        amount = (1 + abs(float(first))) * rng.choice((-0.5, 0.5))
        try:
            return student(Notebook(places, slip=(key, amount))), key
        except Unworkable:
            continue
    pytest.skip("no workable slip")


def _assert_marked_once(results, key: str, what) -> None:
    assert results[key].verdict == "wrong", (what, key, results[key])
    others = [k for k in wrong_keys(results) if k != key]
    assert others == [], (what, key, [results[k] for k in others])


@pytest.mark.parametrize("seed", NETWORK_SEEDS)
def test_one_slip_is_marked_once_and_followed_through(networks, seed):
    spec, plan = networks(seed)
    rng = random.Random(seed)
    # a probability pushed past 0 or 1 has no logarithm: keep slips off the activations of such losses
    avoid = ("yhat", ".a1", ".a2", ".a3") if "entropy" in spec["loss"] else ()
    try:
        notebook, key = _slipped(lambda nb: network_student(spec, nb), rng.choice(PLACES), rng, avoid)
    except Unworkable:
        pytest.skip("the honest student cannot work this network at this precision")
    _, results = grade(plan, notebook)
    _assert_marked_once(results, key, seed)
    after = [r for r in results.values() if r.order > results[key].order]
    assert all(r.verdict in ("follows_through", "correct", "imprecise") for r in after)


@pytest.mark.parametrize("name", ["softmax-ce", "net-2232-softmax", "graph-skip", "graph-skip-scalar"])
def test_one_slip_in_softmax_and_graph_problems(name):
    students = {
        "softmax-ce": lambda nb: softmax_student([2, 1, Fraction(1, 10)], [1, 0, 0], nb),
        "net-2232-softmax": lambda nb: softmax_network_student(problem_file(name), nb),
        "graph-skip": lambda nb: skip_graph_student(problem_file(name), nb),
        "graph-skip-scalar": lambda nb: skip_graph_student(problem_file(name), nb),
    }
    plan = CheckPlan(catalog.load(name), Tolerance(4))
    rng = random.Random(name)
    avoid = ("p1", "p2", "p3") if "softmax" in name else ()
    for _ in range(6):
        notebook, key = _slipped(students[name], rng.choice(PLACES), rng, avoid)
        _, results = grade(plan, notebook)
        _assert_marked_once(results, key, name)


@pytest.mark.parametrize("name", SVMS)
def test_one_slip_in_an_svm(name):
    w, b, support, sets = SVMS[name]
    plan = CheckPlan(catalog.load(name), Tolerance(4))
    rng = random.Random(name)
    problem = problem_file(name)
    avoid = ("w", "b") if "hyperplane" in problem else ()  # a given hyperplane's w and b are not answers
    student = lambda nb: svm_student(problem, w, b, nb, support, **sets)  # noqa: E731
    for _ in range(4):
        notebook, key = _slipped(student, rng.choice(PLACES), rng, avoid)
        _, results = grade(plan, notebook)
        _assert_marked_once(results, key, name)


# --- named mistakes -----------------------------------------------------------------------------


def one_one_one(activations, start, samples, **options) -> dict:
    """A network spec of one input, one hidden unit and one output (as ``random_problem`` makes them)."""
    w1, b1, w2, b2 = (Fraction(v) for v in start.split())
    spec = {"sizes": [1, 1, 1], "W": [[[w1]], [[w2]]], "b": [[b1], [b2]], "activations": activations, "loss": "half_mse",
            "layout": "in_out", "mode": "sgd", "batch_size": 1, "epochs": 1, "eta": Fraction(1, 100),
            "slope": Fraction(1, 100), "h0": Fraction(0),
            "samples": [([Fraction(x)], [Fraction(y)]) for x, y in samples]}
    spec.update(options)
    return spec


SMALL = one_one_one(["relu", "identity"], "0.1 0.2 0.3 0.4", [(1, 3), (2, 4), (3, 5)])
SIGMOID = one_one_one(["sigmoid", "identity"], "0.8 -0.3 1.5 0.2", [(1, 2), (2, -1)])
TANH = one_one_one(["tanh", "identity"], "0.7 0.1 -1.2 0.3", [(2, 1)])
DEAD = one_one_one(["relu", "identity"], "1 -1 2 0", [(1, 1)], eta=Fraction(1, 10))
BATCH = one_one_one(["relu", "identity"], "1 0 1 0", [(1, 3), (2, 4)], mode="minibatch", batch_size=2)
TWO_INPUTS = one_one_one(["relu", "identity"], "0 0.1 0.3 0.4", [(0, 3)])
TWO_INPUTS.update(sizes=[2, 1, 1], W=[[[Fraction(1, 2)], [Fraction(-1, 4)]], [[Fraction(3, 10)]]],
                  samples=[([Fraction(2), Fraction(-3)], [Fraction(3)])])
SOFTMAX = {"sizes": [1, 2, 2], "W": [[[Fraction(1, 2), Fraction(-1, 4)]], [[Fraction(3, 4), Fraction(-1, 2)], [Fraction(1, 5), Fraction(1, 3)]]],
           "b": [[Fraction(1, 10), Fraction(0)], [Fraction(0), Fraction(1, 10)]], "activations": ["tanh", "softmax"],
           "loss": "cross_entropy", "layout": "in_out", "mode": "sgd", "batch_size": 1, "epochs": 1,
           "eta": Fraction(1, 10), "slope": Fraction(1, 100), "h0": Fraction(0),
           "samples": [([Fraction(2)], [Fraction(0), Fraction(1)])]}

NETWORK_MISTAKES = [
    (SMALL, "s2.W1", "update_sign_flipped", "update_sign_flipped"),
    (SMALL, "s2.b1", "learning_rate_missing", "learning_rate_missing"),
    (SMALL, "s2.W2", "learning_rate_twice", "learning_rate_twice"),
    (SMALL, "s2.W1", "swapped_gradient", "swapped_gradient"),
    (SMALL, "s2.z1", "stale_weight", "stale_weight"),
    (SMALL, "s2.dL_da1", "updated_weight_in_backward", "updated_weight_in_backward"),
    (SMALL, "s2.dL_da1", "missing_downstream_weight", "missing_factor"),
    (SMALL, "s2.dL_dW1", "missing_input", "missing_factor"),
    (TWO_INPUTS, "s1.dL_dW1", "missing_input", "missing_factor"),  # δ₁ in both rows of ∂L/∂W₁
    (SMALL, "s2.dL_dyhat", "target_minus_prediction", "target_minus_prediction"),
    (SMALL, "s2.loss", "loss_without_half", "loss_without_half"),
    (SMALL, "s3.dL_dyhat", "loss_without_half", "loss_without_half"),
    (SMALL, "s2.delta1", "missing_activation_derivative", None),  # ReLU′(z₁) = 1: nothing to tell apart
    (SIGMOID, "s1.delta1", "missing_activation_derivative", "missing_factor"),
    (SIGMOID, "s2.delta1", "sigmoid_prime_of_z", "sigmoid_prime_of_z"),
    (TANH, "s1.delta1", "missing_activation_derivative", "missing_factor"),
    (DEAD, "s1.delta1", "relu_prime_zero_as_one", "relu_prime_zero_as_one"),
    (SOFTMAX, "s1.loss", "loss_without_minus", "loss_without_minus"),
    (SOFTMAX, "s1.dL_dyhat", "loss_without_minus", "loss_without_minus"),
    (BATCH, "s1.dL_db2", "sum_instead_of_mean", "sum_instead_of_mean"),
]


def _assert_named(results, keys: list[str], planted: str | None, honest: Notebook, notebook: Notebook, what) -> None:
    """The planted mistake is named on its keys (where the value differs from the right one as written),
    and nothing else is wrong."""
    for key in keys:
        result = results[key]
        if planted is None or notebook.written[key] == honest.written[key]:
            assert result.verdict != "wrong" and result.mistake is None, (what, result)
        else:
            assert result.verdict == "wrong", (what, result)
            assert result.mistake == planted or planted in result.also, (what, result)
    others = [k for k in wrong_keys(results) if k not in keys]
    assert others == [], (what, [results[k] for k in others])


@pytest.mark.parametrize("places", (3, 4))
@pytest.mark.parametrize("spec, key, method, planted", NETWORK_MISTAKES,
                         ids=[f"{m}-{k}" for _, k, m, _ in NETWORK_MISTAKES])
def test_each_mistake_in_a_network_is_named(spec, key, method, planted, places):
    plan = CheckPlan(load_text(problem_text(spec), "planted.toml"), Tolerance(4))
    honest = network_student(spec, Notebook(places))
    notebook = network_student(spec, Notebook(places), {key: method})
    _, results = grade(plan, notebook)
    _assert_named(results, [key], planted, honest, notebook, method)


def test_every_gradient_as_the_output_error_is_one_pattern():
    keys = [f"s{k}.{name}" for k in (1, 2, 3) for name in ("dL_dW2", "dL_da1", "delta1", "dL_dW1", "dL_db1")]
    plan = CheckPlan(catalog.load("relu-111-sgd-small"), Tolerance(4))
    report, results = grade(plan, network_student(SMALL, Notebook(4), {key: "output_error" for key in keys}))
    named = {r.mistake for r in results.values() if r.verdict == "wrong"}
    assert named == {"output_error_as_gradient"}
    assert [p.mistake for p in report.patterns] == ["output_error_as_gradient"]
    assert report.patterns[0].diagnosis == "Every gradient is ŷ − y: the chain-rule factors are missing."
    # only the updates written: told the same, not "used ∂L/∂b₂ instead of ∂L/∂w₁"
    updates = {f"s{k}.{p}": "output_error" for k in (1, 2, 3) for p in ("W1", "b1", "W2")}
    notebook = network_student(SMALL, Notebook(4), updates)
    notebook.lines = [line for line in notebook.lines if line.split(" = ")[0].split(".")[1] in ("W1", "b1", "W2", "b2")]
    report, results = grade(plan, notebook)
    assert {r.mistake for r in results.values() if r.verdict == "wrong"} == {"output_error_as_gradient"}
    assert all("swapped_gradient" in r.also for r in results.values() if r.verdict == "wrong")
    assert [p.mistake for p in report.patterns] == ["output_error_as_gradient"]


SOFTMAX_MISTAKES = [
    ("loss", "loss_without_minus", "loss_without_minus"),
    ("loss", "log_base_10", "log_base_10"),
    ("dp1_dz2", "diagonal_jacobian", "diagonal_jacobian"),
    ("dp1_dz2", "sign_flipped", "sign_flipped"),
    ("dp2_dz1", "jacobian_cases_swapped", "jacobian_cases_swapped"),
    ("dp1_dz1", "jacobian_cases_swapped", "jacobian_cases_swapped"),
    ("dL_dp1", "loss_without_minus", "loss_without_minus"),
    ("jacobian.dL_dz2", "diagonal_jacobian", "diagonal_jacobian"),
    ("dL_dz1", "target_minus_prediction", "target_minus_prediction"),
    ("dL_dz2", "diagonal_jacobian", "diagonal_jacobian"),
]


@pytest.mark.parametrize("key, method, planted", SOFTMAX_MISTAKES, ids=[f"{m}-{k}" for k, m, _ in SOFTMAX_MISTAKES])
def test_each_softmax_mistake_is_named(key, method, planted):
    plan = CheckPlan(catalog.load("softmax-ce"), Tolerance(4))
    student = lambda nb, how=None: softmax_student([2, 1, Fraction(1, 10)], [1, 0, 0], nb, how)  # noqa: E731
    honest, notebook = student(Notebook(4)), student(Notebook(4), {key: method})
    _, results = grade(plan, notebook)
    _assert_named(results, [key], planted, honest, notebook, method)


NETWORK_SOFTMAX_MISTAKES = [
    ("dL_dz2_1", "missing_activation_derivative", "missing_factor"),
    ("dL_dz2_2", "sigmoid_prime_of_z", "sigmoid_prime_of_z"),
    ("dL_dz1_1", "sigmoid_prime_of_z", "sigmoid_prime_of_z"),
    ("dL_dO1_1", "missing_path", "missing_path"),
    ("dL_dO2_3", "missing_downstream_weight", "missing_factor"),
    ("dL_dw2_12", "missing_input", "missing_factor"),
    ("dL_dz3_1", "target_minus_prediction", "target_minus_prediction"),
    ("loss", "loss_without_minus", "loss_without_minus"),
    ("loss", "log_base_10", "log_base_10"),
]


@pytest.mark.parametrize("key, method, planted", NETWORK_SOFTMAX_MISTAKES,
                         ids=[f"{m}-{k}" for k, m, _ in NETWORK_SOFTMAX_MISTAKES])
def test_each_mistake_in_a_softmax_network_is_named(key, method, planted):
    plan = CheckPlan(catalog.load("net-2232-softmax"), Tolerance(4))
    problem = problem_file("net-2232-softmax")
    honest = softmax_network_student(problem, Notebook(4))
    notebook = softmax_network_student(problem, Notebook(4), {key: method})
    _, results = grade(plan, notebook)
    _assert_named(results, [key], planted, honest, notebook, method)


@pytest.mark.parametrize("name, answers", [
    ("graph-skip-scalar", "h = 0.7\nlocal.dh_dz = 0.21\n"),  # h = σ(0.5) ≈ 0.6225; 0.7·(1 − 0.7) = 0.21
    ("graph-skip", "h = [0.3, 0.2, 0.5]\nlocal.dh_dz = [[0.21, 0, 0], [0, 0.16, 0], [0, 0, 0.25]]\n"),
])
def test_a_slip_in_a_sigmoid_carries_into_its_derivative_as_h_times_one_minus_h(name, answers):
    """σ′(z) is worked by hand as h(1 − h) from the h written, so a slip in h follows through there."""
    plan = CheckPlan(catalog.load(name), Tolerance(4))
    found = {r.key: r.verdict for r in plan.check(parse_answers(answers.encode(), "a.toml"), "a.toml").results}
    assert found == {"h": "wrong", "local.dh_dz": "follows_through"}


EXP_GRAPH = b"""kind = "graph"
title = "exp"
inputs = { x = 1, w = 0.5, s = 1 }
nodes = { z = "w * x", u = "exp(z)", E = "1/2 * (u - s)^2" }
derivative = { of = "E", wrt = "w" }
"""


def test_a_slip_in_an_exponential_carries_into_its_derivative():
    """∂u/∂z for u = exp(z) is u itself: a slip in u (1.9 for e^0.5 ≈ 1.6487) follows through there."""
    plan = CheckPlan(load_text(EXP_GRAPH, "exp.toml"), Tolerance(4))
    answers = b"u = 1.9\nlocal.du_dz = 1.9\nlocal.dE_du = 0.9\n"
    found = {r.key: r.verdict for r in plan.check(parse_answers(answers, "a.toml"), "a.toml").results}
    assert found == {"u": "wrong", "local.du_dz": "follows_through", "local.dE_du": "follows_through"}


GRAPH_MISTAKES = [
    ("S", "loss_without_half", "loss_without_half"),
    ("local.dS_dy", "loss_without_half", "loss_without_half"),
    ("local.dS_dy", "target_minus_prediction", "target_minus_prediction"),
    ("local.dh_dz", "sigmoid_prime_of_z", "sigmoid_prime_of_z"),
    ("dE_dx", "missing_path", "missing_path"),
]


@pytest.mark.parametrize("name", ["graph-skip", "graph-skip-scalar"])
@pytest.mark.parametrize("key, method, planted", GRAPH_MISTAKES, ids=[f"{m}-{k}" for k, m, _ in GRAPH_MISTAKES])
def test_each_graph_mistake_is_named(name, key, method, planted):
    plan = CheckPlan(catalog.load(name), Tolerance(4))
    problem = problem_file(name)
    honest = skip_graph_student(problem, Notebook(4))
    notebook = skip_graph_student(problem, Notebook(4), {key: method})
    _, results = grade(plan, notebook)
    _assert_named(results, [key], planted, honest, notebook, (name, method))


SVM_MISTAKES = [
    ("svm-six-points", ["w", "b"], "w", "scaled_hyperplane"),
    ("svm-six-points", ["w", "b"], "w", "hyperplane_flipped"),
    ("svm-soft-margin", ["w", "b"], "w", "hyperplane_flipped"),
    ("svm-3d", ["w", "b"], "w", "scaled_hyperplane"),
    ("svm-six-points", ["margin"], "margin", "margin_as_width"),
    ("svm-3d", ["width"], "width", "width_as_margin"),
    ("svm-six-points", ["f.A"], "f.A", "missing_bias"),
    ("svm-soft-margin", ["f.E"], "f.E", "hyperplane_flipped"),
    ("svm-six-points", ["support_vectors"], "support_vectors", "missing_support_vector"),
    ("svm-3d", ["support_vectors"], "support_vectors", "extra_support_vector"),
]


@pytest.mark.parametrize("name, keys, key, planted", SVM_MISTAKES, ids=[f"{n}-{m}" for n, _, _, m in SVM_MISTAKES])
def test_each_svm_mistake_is_named(name, keys, key, planted):
    w, b, support, sets = SVMS[name]
    plan = CheckPlan(catalog.load(name), Tolerance(4))
    honest = svm_student(problem_file(name), w, b, Notebook(4), support, **sets)
    notebook = svm_student(problem_file(name), w, b, Notebook(4), support, {key: planted}, **sets)
    _, results = grade(plan, notebook)
    _assert_named(results, keys, planted, honest, notebook, (name, planted))
