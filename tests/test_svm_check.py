"""Checking SVM answers: every SVM mistake id diagnosed from a planted mistake, sets, and the
hyperplane accepted as an equation at any non-zero scale."""

from __future__ import annotations

import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from solver.reading.answer_file import parse_answers


@pytest.fixture(scope="module")
def six():
    return CheckPlan(catalog.load("svm-six-points"), Tolerance(4))


@pytest.fixture(scope="module")
def soft():
    return CheckPlan(catalog.load("svm-soft-margin"), Tolerance(4))


def verdicts(plan, text: str) -> dict[str, tuple[str, str | None]]:
    report = plan.check(parse_answers(text.encode(), "answers.toml"), "answers.toml")
    return {r.key: (r.verdict, r.mistake) for r in report.results}


def test_correct_answers(six):
    text = """
w = [-2, -2]
b = 3
margin = 0.3536
width = "sqrt(2)/2"
norm_w = "2*sqrt(2)"
support_vectors = ["B", "C", "D", "F"]
hyperplane = "-2*x1 - 2*x2 + 3 = 0"
f.A = 3
"alpha.B" = 2
"""
    assert set(verdicts(six, text).values()) == {("correct", None)}


@pytest.mark.parametrize("equation", ["-2*x1 - 2*x2 + 3 = 0", "x1 + x2 - 1.5 = 0", "2*x1 + 2*x2 = 3",
                                      "x1 + x2 = 3/2", "3 = 2*x1 + 2*x2", "-0.6667*x1 - 0.6667*x2 + 1 = 0"])
def test_hyperplane_is_accepted_at_any_scale(six, equation):
    assert verdicts(six, f'hyperplane = "{equation}"') == {"hyperplane": ("correct", None)}


@pytest.mark.parametrize("equation, verdict", [
    ("x1 + x2 - 2 = 0", "wrong"),          # another line
    ("x1 - x2 + 1.5 = 0", "wrong"),
    ("x1 + x2 - 1.5", "invalid"),          # no equation
    ("x1*x2 = 1", "invalid"),              # not linear
    ("(x1 + x2 + 1)^999 = 1", "invalid"),  # not linear, and refused before any expanding
    ("x1 + x3 = 1", "invalid"),            # no such variable
    ("0*x1 = 5", "invalid"),               # no variable left
])
def test_other_hyperplanes(six, equation, verdict):
    assert verdicts(six, f'hyperplane = "{equation}"')["hyperplane"][0] == verdict


@pytest.mark.parametrize("answers, key, mistake", [
    ("margin = 0.7071", "margin", "margin_as_width"),
    ('margin = "sqrt(2)/2"', "margin", "margin_as_width"),
    ("width = 0.3536", "width", "width_as_margin"),
    ('support_vectors = ["B", "C", "D"]', "support_vectors", "missing_support_vector"),
    ('support_vectors = "{A, B, C, D, F}"', "support_vectors", "extra_support_vector"),
    ("w = [-1, -1]", "w", "scaled_hyperplane"),
    ("w = [1, 1]", "w", "hyperplane_flipped"),        # −½·(−2, −2): the classes swap
    ("w = [2, 2]\nb = -3", "b", "hyperplane_flipped"),
    ("f.B = -1", "f.B", "hyperplane_flipped"),         # f(B) = 1 on the margin
    ("w = [-4, -4]\nb = 6", "b", "scaled_hyperplane"),
    ("f.B = -2", "f.B", "missing_bias"),
])
def test_each_mistake_is_named(six, answers, key, mistake):
    assert verdicts(six, answers)[key] == ("wrong", mistake)


def test_a_scaled_w_carries_into_margin_as_follow_through(six):
    # ‖(1, 1)‖ = √2, so the margin from the student's own w is 1/√2 ≈ 0.7071.
    result = verdicts(six, "w = [1, 1]\nmargin = 0.7071")
    assert result["margin"] == ("follows_through", None)


def test_soft_margin_sets(soft):
    text = """
free_support_vectors = ["B", "C"]
bounded_support_vectors = ["D", "G"]
support_vectors = ["B", "C", "D", "G"]
"xi.G" = "4/3"
"""
    assert verdicts(soft, text) == {
        "free_support_vectors": ("wrong", "missing_support_vector"),
        "bounded_support_vectors": ("wrong", "extra_support_vector"),
        "support_vectors": ("correct", None),
        "xi.G": ("correct", None),
    }


def test_a_set_follows_through_from_the_students_own_hyperplane(six):
    # w = (−1, −1), b = 2 puts B and C (not D, F) at yᵢf(xᵢ) = 1: a consistent slip, marked once.
    result = verdicts(six, 'w = [-1, -1]\nb = 2\nsupport_vectors = ["B", "C"]')
    assert result["support_vectors"] == ("follows_through", None)
    soft_w = "w = [-0.6667, -0.6667]\nb = 1.6667\n"
    assert verdicts(six, soft_w + 'hyperplane = "x1 + x2 - 2.5 = 0"')["hyperplane"] == ("follows_through", None)


def test_an_empty_answer_is_not_an_empty_set(six, soft):
    assert verdicts(six, 'support_vectors = ""')["support_vectors"][0] == "invalid"
    assert verdicts(six, "support_vectors = []")["support_vectors"] == ("wrong", "missing_support_vector")
