"""The Python interface: solve and check from a name, a path, TOML text or a mapping; the results show
themselves in a notebook; ``import solver`` stays cheap."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
import sympy
from sympy import Rational

import solver
from solver.errors import InputError
from solver.kinds import catalog
from tests.conftest import ROOT

SOFTMAX = """kind = "softmax"
title = "two logits"
[softmax]
z = [0, 0]
y = [1, 0]
"""


def test_import_is_cheap_and_pulls_in_nothing_heavy():
    code = ("import sys, solver; heavy = [m for m in ('sympy', 'numpy', 'rich', 'matplotlib', 'cvxpy') "
            "if m in sys.modules]; print(heavy, solver.__version__)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.split("]")[0] == "["


def test_solve_a_built_in_and_read_exact_values():
    solution = solver.solve("relu-111-sgd")
    # update 1 at (1, 3): ŷ = 1, ∂L/∂w₁ = (ŷ − y)·w₂·1·x = −2, so w₁ ← 1 − 0.01·(−2) = 51/50
    assert solution["s1.W1"] == Rational(51, 50)
    assert solution["s1.loss"] == 2
    assert solution.keys()[0] == "s1.z1" and len(solution.keys()) == len(catalog.load("relu-111-sgd").steps)
    assert solution.kind == "backprop"
    with pytest.raises(KeyError):
        solution["no.such.key"]


def test_solve_text_and_path_give_the_same_values(tmp_path):
    # two equal logits: p = (½, ½), L = −log ½ = log 2
    from_text = solver.solve(SOFTMAX)
    assert from_text["p1"] == Rational(1, 2) and from_text["loss"] == sympy.log(2)
    path = tmp_path / "two.toml"
    path.write_text(SOFTMAX, encoding="utf-8")
    assert solver.solve(path)["p1"] == Rational(1, 2)
    assert solver.solve(str(path))["loss"] == sympy.log(2)
    assert solver.solve(SOFTMAX.encode())["p2"] == Rational(1, 2)


def test_sets_equations_and_vectors():
    solution = solver.solve("svm-six-points")
    assert solution["support_vectors"] == ("B", "C", "D", "F")
    assert solution["hyperplane"] == "-2*x1 - 2*x2 + 3 = 0"
    assert solution["w"] == sympy.Matrix([[-2, -2]])
    assert solution["margin"] == sympy.sqrt(2) / 4


def test_bad_problems_raise_the_command_lines_message():
    with pytest.raises(InputError, match="no built-in problem or file named 'nope'"):
        solver.solve("nope")
    with pytest.raises(InputError, match="softmax.y"):
        solver.solve(SOFTMAX.replace("y = [1, 0]", "y = [1, 0, 0]"))
    with pytest.raises(TypeError):
        solver.solve(42)


def test_check_a_mapping_with_floats_read_as_written():
    # 1.02 as a Python float is 1.0200000000000000177…, but it is read from its text "1.02": correct.
    report = solver.check("relu-111-sgd", {"s1.W1": 1.02, "s1.z1": 1, "s1.loss": Fraction(2), "s1.b1": 0.5,
                                           "s1.W2": Decimal("1.02")})
    assert _answered(report) == {"s1.z1": "correct", "s1.loss": "correct", "s1.W1": "correct",
                                 "s1.W2": "correct", "s1.b1": "wrong"}
    # every key of the problem is asked, one point each: 4 of its 51
    assert (report.score, report.max_score) == (4, 51)
    assert report.verdicts["s3.b2"] == "missing"
    assert not report.all_accepted


def _answered(report) -> dict[str, str]:
    return {key: verdict for key, verdict in report.verdicts.items() if verdict != "missing"}


def test_check_text_and_path(tmp_path):
    text = 's1.z1 = 1\ns1.W1 = "51/50"\n'
    assert _answered(solver.check("relu-111-sgd", text)) == {"s1.z1": "correct", "s1.W1": "correct"}
    path = tmp_path / "answers.toml"
    path.write_text(text, encoding="utf-8")
    report = solver.check("relu-111-sgd", path)
    assert report.score == 2 and report.graded.file == str(path) and report.all_accepted
    with pytest.raises(InputError, match="no such file"):
        solver.check("relu-111-sgd", tmp_path / "missing.toml")
    with pytest.raises(InputError, match="s1.z1"):
        solver.check("relu-111-sgd", {"s1.z1": object()})


def test_tolerance_options():
    # 1.03 for 1.02 is wrong at the written precision, accepted within an absolute 0.02
    assert solver.check("relu-111-sgd", {"s1.W1": 1.03}).verdicts["s1.W1"] == "wrong"
    assert solver.check("relu-111-sgd", {"s1.W1": 1.03}, atol=0.02).verdicts["s1.W1"] == "correct"


def test_solutions_and_reports_show_themselves_in_a_notebook():
    bundle = solver.solve("svm-soft-margin")._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "text/markdown", "text/latex"}
    assert bundle["text/html"].startswith('<div class="mlsolver">') and "<style>" in bundle["text/html"]
    assert bundle["text/html"].count("<svg") == 1 and "<math>" in bundle["text/html"]
    assert "\\documentclass" not in bundle["text/latex"] and "\\section*" in bundle["text/latex"]
    assert "alpha.B" in bundle["text/plain"] and "5/9" in bundle["text/plain"]
    assert "\x1b[" not in bundle["text/plain"]
    report = solver.check("relu-111-sgd", {"s1.z1": 1, "<b>x</b>": 2})
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "text/markdown", "text/latex"}
    assert "<b>x</b>" not in bundle["text/html"] and "&lt;b&gt;x&lt;/b&gt;" in bundle["text/html"]
    assert "<b>" not in bundle["text/markdown"]
    assert "IPython" not in sys.modules
    assert set(report._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}
    assert set(report._repr_mimebundle_(exclude={"text/latex"})) == {"text/plain", "text/html", "text/markdown"}


def test_save_by_suffix(tmp_path):
    solution = solver.solve("svm-six-points")
    assert solution.save(tmp_path / "six.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    solution.save(tmp_path / "six.md")
    assert (tmp_path / "six-svm.svg").exists()
    with pytest.raises(InputError, match="format"):
        solution.save(tmp_path / "six.docx")
