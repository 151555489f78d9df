"""What students write, read leniently through the one safe parser (DESIGN.md, "Answer files and verdicts").

Unquoted expressions on a ``key = value`` line, the Unicode minus, √, ``$…$`` around plain syntax, a
number followed by a declared name, vectors written as text, support vectors by name or coordinates,
classes as words; a line that still cannot be read is ``invalid`` for its key only.
"""

from __future__ import annotations

import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from solver.reading.answer_file import Unquoted, Unreadable, parse_answers


def verdicts(problem: str, text: str) -> dict[str, tuple[str, str | None]]:
    plan = CheckPlan(catalog.load(problem), Tolerance(4))
    report = plan.check(parse_answers(text.encode(), "answers.toml"), "answers.toml")
    return {r.key: (r.verdict, r.reason or r.mistake) for r in report.results}


@pytest.mark.parametrize("problem, line, expected", [
    # relu-111-sgd, update 1: z₁ = 1, ŷ = 1, ∂L/∂ŷ = ŷ − y = −2; update 2: b₁ = 0.02 + 0.01·1.9164
    ("relu-111-sgd", "s1.z1 = 2/2", "correct"),
    ("relu-111-sgd", "s1.dL_dyhat = −2", "correct"),            # the minus sign the tool prints
    ("relu-111-sgd", "s1.dL_dyhat = -2.0", "correct"),
    ("relu-111-sgd", "s1.dL_dyhat = − 2", "correct"),
    ("relu-111-sgd", 's1.dL_dyhat = "−2"', "correct"),
    ("relu-111-sgd", "s1.dL_dyhat = $-2$", "correct"),           # math-mode dollars around plain syntax
    ("relu-111-sgd", "s1.dL_dyhat = $$-4/2$$", "correct"),
    ("relu-111-sgd", "s2.b1 = 0.02 - 0.01*(-1.9164)", "correct"),
    ("relu-111-sgd", "s2.b1 = 0.02 + 0.019164  # from the update", "correct"),
    ("relu-111-sgd", "s1.dL_dyhat = 1 -", "invalid"),
    # svm-six-points: margin √2/4, width √2/2, ‖w‖ = 2√2
    ("svm-six-points", "margin = √2/4", "correct"),
    ("svm-six-points", "width = √(2)/2", "correct"),
    ("svm-six-points", "norm_w = 2√2", "correct"),
    ("svm-six-points", "margin = 1/(2√2)", "correct"),
    ("svm-six-points", "margin = $\\frac{\\sqrt{2}}{4}$", "correct"),
    ("svm-six-points", "b = .5*6", "correct"),
    ("svm-six-points", "margin = -.5", "wrong"),
])
def test_values_written_as_on_paper(problem, line, expected):
    ((verdict, why),) = verdicts(problem, line).values()
    assert verdict == expected, (line, why)


@pytest.mark.parametrize("equation", ["-2x1 - 2x2 + 3 = 0", "2x1 + 2x2 = 3", "$-2x_1 - 2x_2 + 3 = 0$",
                                      "-2 x1 - 2 x2 + 3 = 0", "x1 + x2 - 1.5 = 0"])
def test_a_hyperplane_with_numbers_before_its_variables(equation):
    assert verdicts("svm-six-points", f"hyperplane = {equation}") == {"hyperplane": ("correct", None)}
    assert verdicts("svm-six-points", f'hyperplane = "{equation}"') == {"hyperplane": ("correct", None)}


@pytest.mark.parametrize("line", ['w = "(-2, -2)"', "w = (-2, -2)", 'w = "[-2, -2]"', 'w = "⟨−2, −2⟩"',
                                  "w = -2, -2", 'w = "$(-2, -2)$"', "w = [-2, -2]", 'w = ["-2", "−2"]'])
def test_a_vector_written_as_text(line):
    assert verdicts("svm-six-points", line) == {"w": ("correct", None)}


def test_a_matrix_written_as_text():
    # leaky-relu-mse-sgd: s1.W1 by hand in tests/test_check.py
    text = 's1.W1 = "[[0.2288, -0.39796], [0.1576, 0.30408], [-0.3288, 0.19796]]"'
    assert verdicts("leaky-relu-mse-sgd", text) == {"s1.W1": ("correct", None)}


@pytest.mark.parametrize("line", ['support_vectors = "B, C, D and F"', "support_vectors = B and C and D and F",
                                  'support_vectors = "B & C & D & F"', 'support_vectors = "{B, C, D, F}"',
                                  'support_vectors = "{(1,0), (0,1), (1,1), (2,0)}"',
                                  "support_vectors = (1, 0), (0, 1), (1, 1), (2, 0)",
                                  "support_vectors = [[1, 0], [0, 1], [1, 1], [2, 0]]",
                                  'support_vectors = "(1,0); (0,1); (1,1); (2,0)"'])
def test_support_vectors_by_name_or_coordinates(line):
    assert verdicts("svm-six-points", line) == {"support_vectors": ("correct", None)}


def test_a_point_that_is_not_there():
    (verdict, why), = verdicts("svm-six-points", 'support_vectors = "(1, 0), (5, 5)"').values()
    assert verdict == "invalid" and "no point at (5, 5)" in why
    assert verdicts("svm-six-points", "support_vectors = none") == {"support_vectors": ("wrong", "missing_support_vector")}


@pytest.mark.parametrize("line", ["support_vectors = __import__('os').system('true')", 'support_vectors = "f(1, 2)"'])
def test_a_set_that_is_neither_names_nor_coordinates_is_invalid(line):
    (verdict, why), = verdicts("svm-six-points", line).values()
    assert verdict == "invalid" and "point names, or the points' coordinates" in why


@pytest.mark.parametrize("written, verdict", [
    ("+", "correct"), ("+1", "correct"), ("1", "correct"), ('"positive"', "correct"), ("positive", "correct"),
    ('"+ve"', "correct"), ("Positive class", "correct"), ("-", "wrong"), ("−1", "wrong"), ("negative", "wrong"),
    ('"-ve"', "wrong"), ("0.9", "wrong"), ("maybe", "invalid"),
])
def test_a_class_in_words(written, verdict):
    # svm-given-hyperplane: f(Q) = −2·1 + 0·3 + 5 = 3, so Q is in the positive class
    assert verdicts("svm-given-hyperplane", f"class.Q = {written}")["class.Q"][0] == verdict


def test_a_line_that_cannot_be_read_leaves_the_rest_graded():
    text = "\n".join([
        "s1.z1 = 1",
        "s1.a1 = = 1",          # not an expression
        "the loss is 2",        # no key at all
        "s1.loss = 2",
        "s1.z2 = 1/0",
        "s1.yhat = 1",
    ])
    found = verdicts("relu-111-sgd", text)
    assert found["s1.z1"][0] == found["s1.loss"][0] == found["s1.yhat"][0] == "correct"
    assert found["s1.a1"][0] == "invalid" and found["s1.a1"][1].startswith("line 2:")
    assert found["line 3"] == ("invalid", "line 3: cannot read this line: expected key = value")
    assert found["s1.z2"] == ("invalid", "line 5: division by zero")


def test_lines_are_read_one_by_one_only_where_toml_fails():
    # valid TOML is TOML's: a quoted "1/3" and an unquoted 1/3 mean the same, tables and arrays keep working
    lenient = parse_answers(b"[s1]\nz1 = 1/3\nW1 = [\n  [1, 2],\n  [3, 4],\n]\n", "a.toml")
    assert [(e.step_key, e.value, e.line) for e in lenient] == [("s1.z1", "1/3", 2), ("s1.w1", [[1, 2], [3, 4]], 3)]
    assert isinstance(lenient[0].value, Unquoted)
    strict = parse_answers(b'[s1]\nz1 = "1/3"\n', "a.toml")
    assert [(e.step_key, e.value, e.line) for e in strict] == [("s1.z1", "1/3", None)]
    twice = parse_answers(b"a = 1\na = 2/2\n", "a.toml")
    assert isinstance(twice[1].value, Unreadable) and "written twice (first on line 1)" in twice[1].value.reason
