"""The SVM kind: the built-in problems' exact answers (worked by hand), every output format, and bad data."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy
from conftest import ROOT, run_solver

from solver.checking.template import answer_template
from solver.errors import InputError
from solver.kinds import catalog
from solver.maths.evaluate import DECIMAL, RATIONAL, compile_formula
from solver.maths.functions import linear_solve
from solver.maths.numbers import NUMERIC
from solver.render import emit
from solver.render.options import RenderOptions
from solver.render.terminal import fragments as note_text


def _value(derivation, key):
    """The exact value of a key: a number, a tuple for a vector, or the members of a set."""
    quantity = derivation.by_key[key.lower()]
    if quantity.is_set:
        return set(quantity.members())
    values = [v.exact for v in quantity.values]
    return values[0] if quantity.is_scalar else tuple(values)


@pytest.fixture(scope="module")
def six():
    return catalog.load("svm-six-points")


@pytest.fixture(scope="module")
def given():
    return catalog.load("svm-given-hyperplane")


@pytest.fixture(scope="module")
def soft():
    return catalog.load("svm-soft-margin")


@pytest.fixture(scope="module")
def cube():
    return catalog.load("svm-3d")


# --- the built-in problems, against answers worked by hand ---------------------------------------


def test_six_points(six):
    assert _value(six, "w") == (-2, -2)
    assert _value(six, "b") == 3
    assert _value(six, "norm_w") == 2 * sympy.sqrt(2)
    assert _value(six, "margin") == sympy.sqrt(2) / 4
    assert _value(six, "width") == sympy.sqrt(2) / 2
    assert _value(six, "support_vectors") == {"B", "C", "D", "F"}
    assert _value(six, "hyperplane") == (-2, -2, 3)
    assert [_value(six, f"f.{p}") for p in "ABCDEF"] == [3, 1, 1, -1, -5, -1]


def test_six_points_alpha_is_one_of_the_optimal_ones(six):
    # By hand: w = Σαᵢyᵢxᵢ and Σαᵢyᵢ = 0 on B, C, D, F leave one free parameter t = α_D in [2, 4]:
    # α_B = 6 − t, α_C = t − 2, α_F = 4 − t (and α_A = α_E = 0).  The derivation picks a vertex.
    alpha = {p: _value(six, f"alpha.{p}") for p in "ABCDEF"}
    t = alpha["D"]
    assert 2 <= t <= 4
    assert alpha == {"A": 0, "B": 6 - t, "C": t - 2, "D": t, "E": 0, "F": 4 - t}
    assert t in (2, 4)
    notes = " ".join(note_text(n, six, 4) for s in six.sections for n in s.notes)
    assert "α is not unique" in notes


def test_six_points_certificate_steps(six):
    assert _value(six, "sum_alpha_y") == 0
    assert _value(six, "min_alpha") == 0
    assert _value(six, "min_yf") == 1
    assert _value(six, "slackness") == 0
    assert [_value(six, f"yf.{p}") for p in "ABCDEF"] == [3, 1, 1, 1, 5, 1]


def test_given_hyperplane(given):
    assert _value(given, "w") == (-2, 0) and _value(given, "b") == 5
    assert _value(given, "margin") == sympy.Rational(1, 2)
    assert _value(given, "width") == 1
    assert _value(given, "distance") == sympy.Rational(1, 2)
    assert _value(given, "support_vectors") == {"B", "C"}
    assert _value(given, "f.Q") == 3
    assert _value(given, "class.Q") == 1
    assert _value(given, "hyperplane") == (-2, 0, 5)
    # the maximum-margin hyperplane beside it is the same one
    assert _value(given, "opt.w") == (-2, 0) and _value(given, "opt.b") == 5
    assert _value(given, "opt.support_vectors") == {"B", "C"}
    notes = " ".join(note_text(n, given, 4) for s in given.sections for n in s.notes)
    assert "is the maximum-margin hyperplane" in notes


def test_given_hyperplane_is_the_default(solver_cli):
    result = solver_cli("svm", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["problem"] == "svm-given-hyperplane"


def test_soft_margin(soft):
    # By hand: w = 5/9·(1,0) + 5/9·(0,1) − 1/9·(2,2) − 1·(1,1) = (−2/3, −2/3); B, C, D have
    # yf = 1 with 0 < α < 1 = C; G has yf = −1/3, so ξ_G = 4/3 and α_G = C.
    R = sympy.Rational
    assert _value(soft, "w") == (R(-2, 3), R(-2, 3))
    assert _value(soft, "b") == R(5, 3)
    assert {p: _value(soft, f"alpha.{p}") for p in "ABCDEFG"} == {
        "A": 0, "B": R(5, 9), "C": R(5, 9), "D": R(1, 9), "E": 0, "F": 0, "G": 1}
    assert _value(soft, "xi.G") == R(4, 3)
    assert all(_value(soft, f"xi.{p}") == 0 for p in "ABCDEF")
    assert _value(soft, "margin") == 3 * sympy.sqrt(2) / 4
    assert _value(soft, "support_vectors") == {"B", "C", "D", "G"}
    assert _value(soft, "free_support_vectors") == {"B", "C", "D"}
    assert _value(soft, "bounded_support_vectors") == {"G"}
    assert _value(soft, "slackness") == 0 and _value(soft, "bound_slackness") == 0
    assert _value(soft, "class.Q") == 1 and _value(soft, "class.R") == -1


def test_three_dimensions(cube):
    # By hand: ½(1,0,0) + ½(0,1,0) + ½(0,0,1) − 3/2·(1,1,1) = (−1, −1, −1); B, C, D, E on the margin.
    R = sympy.Rational
    assert _value(cube, "w") == (-1, -1, -1)
    assert _value(cube, "b") == 2
    assert [_value(cube, f"alpha.{p}") for p in "ABCDEFGH"] == [0, R(1, 2), R(1, 2), R(1, 2), R(3, 2), 0, 0, 0]
    assert _value(cube, "margin") == sympy.sqrt(3) / 3
    assert _value(cube, "support_vectors") == {"B", "C", "D", "E"}
    assert _value(cube, "f.Q") == R(1, 2) and _value(cube, "class.R") == -1


# --- the model features the kind relies on --------------------------------------------------------


def test_mistakes_give_the_other_quantity(six):
    by_key = six.by_key
    values = {s: v.exact for s, v in six.cell_values.items()}
    with sympy.evaluate(True):
        margin = {m.id: m for m in by_key["margin"].mistakes}["margin_as_width"]
        assert margin.cell_formulas[0].xreplace(values) == _value(six, "width")
        width = {m.id: m for m in by_key["width"].mistakes}["width_as_margin"]
        assert width.cell_formulas[0].xreplace(values) == _value(six, "margin")
        scaled_b = {m.id: m for m in by_key["b"].mistakes}["scaled_hyperplane"]
        w = by_key["w"]
        doubled = {**values, **{cell: 2 * values[cell] for cell in w.cells}}
        assert scaled_b.cell_formulas[0].xreplace(doubled) == 2 * _value(six, "b")
    assert {m.id for m in by_key["w"].mistakes} == {"scaled_hyperplane"}
    assert next(m for m in by_key["w"].mistakes).scaled
    assert {(m.id, m.set_difference) for m in by_key["support_vectors"].mistakes} == {
        ("missing_support_vector", "missing"), ("extra_support_vector", "extra")}


def test_hyperplane_is_an_equation(six):
    plane = six.by_key["hyperplane"]
    assert plane.is_equation
    assert [n.plain for n in plane.equation_of] == ["x1", "x2"]


def test_linear_solve_in_both_arithmetics():
    # 2u + v = 5, u − v = 1  →  u = 2, v = 1
    entries = [2, 1, 1, -1, 5, 1]
    assert linear_solve(1, 2, *entries) == 2 and linear_solve(2, 2, *entries) == 1
    x = sympy.Symbol("x")
    formula = linear_solve(2, 2, 2, 1, 1, -1, x, 1)
    assert compile_formula(formula, {x: 0}, RATIONAL)([Fraction(5)]) == 1
    from decimal import Decimal, localcontext

    with localcontext(NUMERIC):
        assert compile_formula(formula, {x: 0}, DECIMAL)([Decimal(5)]) == 1
    with pytest.raises(ZeroDivisionError):
        linear_solve(1, 2, 1, 1, 1, 1, 5, 1)


# --- output formats -------------------------------------------------------------------------------

BUILTINS = ["svm-six-points", "svm-given-hyperplane", "svm-soft-margin", "svm-3d"]


def _rendered(derivation, fmt: str) -> str:
    stream = io.StringIO()
    emit(fmt, derivation, RenderOptions(derivation.decimals), stream)
    return stream.getvalue()


def test_terminal_shows_sets_equations_and_surds(six, given):
    out = _rendered(six, "terminal")
    assert "{B, C, D, F}" in out
    assert "−2x₁ − 2x₂ + 3 = 0" in out
    assert "√2/4 ≈ 0.3536" in out
    out = _rendered(given, "terminal")
    assert "−2x₁ + 5 = 0" in out and "{B, C}" in out


def test_markdown_shows_sets_and_equations(six):
    out = _rendered(six, "markdown")
    assert r"\{\text{B}, \text{C}, \text{D}, \text{F}\}" in out
    assert r"\iff -2 x_{1} - 2 x_{2} + 3 = 0" in out
    assert r"\frac{\sqrt{2}}{4} \approx 0.3536" in out


def test_json_has_members_and_equation(six):
    doc = json.loads(_rendered(six, "json"))
    steps = {s["key"]: s for s in doc["steps"]}
    assert steps["support_vectors"]["members"] == ["B", "C", "D", "F"]
    assert steps["hyperplane"]["equation"] == "-2*x1 - 2*x2 + 3 = 0"
    assert steps["hyperplane"]["variables"] == ["x1", "x2"]
    assert steps["margin"]["value"] == "sqrt(2)/4"
    assert steps["w"]["numeric"] == [-2, -2]


def test_template_hints_at_sets_and_equations(soft):
    out = answer_template(dataclasses.replace(soft, grading=None))  # every key, not only the asked ones
    assert re.search(r'^support_vectors = ""\s+# SV; a list of names$', out, re.M)
    assert re.search(r'^hyperplane = ""\s+# H; an equation in x1, x2$', out, re.M)
    assert '#   support_vectors = ["A", "B"]' in out


@pytest.mark.skipif(shutil.which("pdflatex") is None and not os.environ.get("SOLVER_REQUIRE_TEX"),
                    reason="no TeX engine installed")
@pytest.mark.parametrize("problem", BUILTINS)
def test_latex_compiles(problem, tmp_path):
    result = run_solver("svm", problem, "--format", "latex", "-o", str(tmp_path / "out.tex"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out.tex").read_text("utf-8")
    assert "?" not in text.replace("\\?", "")
    compiled = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "out.tex"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stdout[-2000:]


def test_backprop_does_not_import_cvxpy():
    probe = ("import sys, io, contextlib\nfrom solver.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n    main(['backprop'])\n"
             "print('cvxpy' in sys.modules, 'solver.kinds.svm' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- bad data -------------------------------------------------------------------------------------


def _points(*items: str) -> str:
    return "points = [\n" + ",\n".join(f"    {item}" for item in items) + ",\n]\n"


HEAD = 'kind = "svm"\ntitle = "t"\n'

BAD = {
    "not separable": (
        _points('{ name = "A", x = [0, 0], y = 1 }', '{ name = "B", x = [1, 1], y = 1 }',
                '{ name = "C", x = [1, 0], y = -1 }', '{ name = "D", x = [0, 1], y = -1 }'),
        "points: the points are not linearly separable: the convex hull of the +1 points A, B meets that of "
        "the -1 points C, D at (1/2, 1/2)",
    ),
    "one point inside the other class": (
        _points('{ name = "A", x = [0, 0], y = -1 }', '{ name = "B", x = [4, 0], y = -1 }',
                '{ name = "C", x = [0, 4], y = -1 }', '{ name = "E", x = [1, 1], y = 1 }',
                '{ name = "F", x = [-5, -5], y = 1 }'),
        "not linearly separable",
    ),
    "single class": (
        _points("{ x = [0, 0], y = 1 }", '{ x = [1, 1], y = "+" }'),
        "points: every point is labelled +1; an SVM needs points of both classes",
    ),
    "duplicate with opposite labels": (
        _points('{ name = "A", x = [0, 0], y = 1 }', '{ name = "B", x = [1, 1], y = 1 }',
                '{ name = "C", x = ["1/1", 1.0], y = -1 }'),
        "points: points B and C are both at (1, 1) but labelled +1 and -1",
    ),
    "mixed dimensions": (
        _points("{ x = [0, 0], y = 1 }", "{ x = [1, 1, 1], y = -1 }"),
        "points[2].x: has 3 coordinates but points[1].x has 2",
    ),
    "one point": (_points("{ x = [0, 0], y = 1 }"), "points: an SVM needs at least two points, got 1"),
    "no points": ("points = []\n", "points: must not be empty"),
    "bad label": (_points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = 2 }"),
                  "points[2].y: a label must be +1 or -1, got 2"),
    "missing label": (_points("{ x = [0, 0] }", "{ x = [1, 1], y = -1 }"), "points[1].y: is required but missing"),
    "irrational coordinate": (_points('{ x = [0, "sqrt(2)"], y = 1 }', "{ x = [1, 1], y = -1 }"),
                              "points[1].x: coordinates must be rational numbers"),
    "names clash": (_points('{ name = "A", x = [0, 0], y = 1 }', '{ name = "a", x = [1, 1], y = -1 }'),
                    "points: two points are named 'A' and 'a'"),
    "bad name": (_points('{ name = "A B", x = [0, 0], y = 1 }', "{ x = [1, 1], y = -1 }"),
                 "points[1].name: a name is a letter"),
    "query dimension": (_points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = -1 }") + "queries = [{ x = [1] }]\n",
                        "queries[1].x: has 1 coordinate but points[1].x has 2"),
    "C not positive": ("C = 0\n" + _points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = -1 }"),
                       "C: C must be a positive rational number, got 0"),
    "C too small for a hyperplane": (
        'C = "1/1000"\n' + _points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = 1 }", "{ x = [0.5, 0.5], y = -1 }",
                                   "{ x = [3, 3], y = 1 }"),
        "C: with C = 1/1000 the optimal w is 0",
    ),
    "zero w": (_points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = -1 }") + "[hyperplane]\nw = [0, 0]\nb = 1\n",
               "hyperplane.w: w must not be zero"),
    "w of the wrong size": (_points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = -1 }")
                            + "[hyperplane]\nw = [1, 2, 3]\nb = 1\n", "hyperplane.w: expected 2 numbers"),
    "unknown key": ("margin = 1\n" + _points("{ x = [0, 0], y = 1 }", "{ x = [1, 1], y = -1 }"),
                    "margin: unknown key"),
    "coordinate beyond floating point": (_points('{ x = [1, "1e400"], y = 1 }', "{ x = [2, 3], y = -1 }"),
                                         "points[1].x: a number larger than 10^100"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_data_is_an_input_error(case):
    body, expected = BAD[case]
    with pytest.raises(InputError) as error:
        catalog.load_text((HEAD + body).encode(), "bad.toml")
    assert str(error.value).startswith("bad.toml: ")
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("case", ["not separable", "single class", "mixed dimensions", "one point"])
def test_bad_data_exits_2_with_one_line(case, tmp_path):
    body, expected = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + body, "utf-8")
    result = run_solver("svm", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"solver: error: {path}: ")
    assert expected in lines[0]


def test_not_separable_names_points_not_solver_status():
    body, _ = BAD["one point inside the other class"]
    with pytest.raises(InputError) as error:
        catalog.load_text((HEAD + body).encode(), "inside.toml")
    message = str(error.value)
    assert "infeasible" not in message.lower()
    # Two conflicts prove it, and either may be named: E(1, 1) lies inside the triangle A(0, 0),
    # B(4, 0), C(0, 4); and A(0, 0) lies on the segment from E(1, 1) to F(−5, −5), at λ = (5/6, 1/6).
    assert ("the +1 point E lies in the convex hull of the -1 points A, B, C" in message
            or "the -1 point A lies in the convex hull of the +1 points E, F at (0, 0)" in message), message


def test_a_given_hyperplane_on_inseparable_points_is_assessed(tmp_path):
    body = BAD["not separable"][0] + "[hyperplane]\nw = [1, 1]\nb = -1\n"
    derivation = catalog.load_text((HEAD + body).encode(), "given.toml")
    assert _value(derivation, "support_vectors") == {"A", "B"}
    notes = " ".join(note_text(n, derivation, 4) for s in derivation.sections for n in s.notes)
    assert "It does not separate the data" in notes
    assert "no maximum-margin hyperplane to compare with" in notes


def test_a_given_hyperplane_at_another_scale(tmp_path):
    text = (ROOT / "problems" / "svm-given-hyperplane.toml").read_text("utf-8")
    text = text.replace("w = [-2, 0]", "w = [-4, 0]").replace("b = 5", "b = 10")
    derivation = catalog.load_text(text.encode(), "scaled.toml")
    assert _value(derivation, "margin") == sympy.Rational(1, 4)
    assert _value(derivation, "distance") == sympy.Rational(1, 2)
    assert _value(derivation, "support_vectors") == set()
    notes = " ".join(note_text(n, derivation, 4) for s in derivation.sections for n in s.notes)
    assert "same boundary as the maximum-margin hyperplane" in notes


# --- the exact search when the numeric guide is wrong ---------------------------------------------


def _misleading(X, y, C):
    """A numeric 'optimum' that puts no point on the margin: every reading of it fails."""
    from solver.maths.svm_optimum import Numeric

    return Numeric("none", "optimal", (0.0,) * len(X[0]), 0.0, (0.0,) * len(X), (7.0,) * len(X))


def test_search_finds_the_optimum_when_the_numeric_guide_is_wrong(monkeypatch):
    from solver.maths import svm_optimum

    X = [(0, 0), (1, 0), (0, 1), (1, 1), (2, 2), (2, 0)]
    y = [1, 1, 1, -1, -1, -1]
    guided = svm_optimum.solve(X, y)
    monkeypatch.setattr(svm_optimum, "_numeric", _misleading)
    searched = svm_optimum.solve(X, y)
    assert searched.w == guided.w == (-2, -2) and searched.b == guided.b == 3
    soft = svm_optimum.solve([(0, 0), (1, 0), (0, 1), (2, 2), (3, 2), (2, 3), (1, 1)], [1, 1, 1, -1, -1, -1, -1],
                             Fraction(1))
    assert soft.w == (Fraction(-2, 3), Fraction(-2, 3)) and soft.b == Fraction(5, 3)


def test_soft_margin_with_no_free_alpha_takes_the_middle_of_b():
    # α = C = 1/2 for P1 and P3, 0 for the others: no equation fixes b, and every b in [−2, −1]
    # meets the KKT conditions (checked by hand: yᵢf(xᵢ) ≥ 1 for P2, P4 and ≤ 1 for P1, P3).
    text = (HEAD + 'C = "1/2"\n' + _points("{ x = [-1, -3], y = 1 }", "{ x = [2, 0], y = -1 }",
                                           "{ x = [0, -2], y = -1 }", "{ x = [-3, -3], y = 1 }"))
    derivation = catalog.load_text(text.encode(), "b.toml")
    R = sympy.Rational
    assert _value(derivation, "w") == (R(-1, 2), R(-1, 2))
    assert _value(derivation, "b") == R(-3, 2)
    assert _value(derivation, "free_support_vectors") == set()
    assert _value(derivation, "bounded_support_vectors") == {"P1", "P3"}
    notes = " ".join(note_text(n, derivation, 4) for s in derivation.sections for n in s.notes)
    assert "b is not unique" in notes


def test_points_floating_point_cannot_tell_apart():
    # cvxpy sees (1e-30, 0) and (2e-30, 0) as one point with two labels and calls the problem
    # infeasible; no conflict exists exactly, so the exact search finds the optimum instead.
    # By hand: w = (−2·10³⁰, 0), b = 3 puts both on the margin, and α = 2·10⁶⁰ for each.
    text = HEAD + _points('{ x = ["1e-30", 0], y = 1 }', '{ x = ["2e-30", 0], y = -1 }',
                          "{ x = [1000000000000000000000000000000, 1], y = -1 }")
    derivation = catalog.load_text(text.encode(), "tiny.toml")
    assert _value(derivation, "w") == (-2 * 10**30, 0)
    assert _value(derivation, "b") == 3
    assert _value(derivation, "support_vectors") == {"P1", "P2"}
    assert _value(derivation, "alpha.P1") == 2 * 10**60
