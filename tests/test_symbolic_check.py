"""Checking answers to the softmax and graph problems: formulas compared symbolically, mistakes named."""

from __future__ import annotations

import json

import mpmath
import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from solver.reading.answer_file import parse_answers
from tests.conftest import run_solver
from tests.independent import softmax_ce
from tests.test_graph import exercise_text


@pytest.fixture(scope="module")
def softmax_plan():
    return CheckPlan(catalog.load("softmax-ce"), Tolerance(4))


@pytest.fixture(scope="module")
def network_plan():
    return CheckPlan(catalog.load("net-2232-softmax"), Tolerance(4))


@pytest.fixture(scope="module")
def scalar_graph_plan():
    return CheckPlan(catalog.load("graph-skip-scalar"), Tolerance(4))


def verdicts(plan, text: str) -> dict[str, tuple[str, str | None]]:
    report = plan.check(parse_answers(text.encode(), "answers.toml"), "answers.toml")
    return {r.key: (r.verdict, r.mistake) for r in report.results}


def four(value) -> str:
    """A value written to 4 decimals, as a student would."""
    return f"{float(value):.4f}"


P, LOSS = softmax_ce([mpmath.mpf(2), mpmath.mpf(1), mpmath.mpf("0.1")], [1, 0, 0])


@pytest.mark.parametrize("line, verdict", [
    ('dL_dz1 = "p1 - y1"', "correct"),
    ('dL_dz1 = "exp(z1)/(exp(z1) + exp(z2) + exp(z3)) - y1"', "correct"),
    ('dL_dz1 = "y1 - p1"', "wrong"),
    ('"jacobian.dL_dz1" = "p1*(y1 + y2 + y3) - y1"', "correct"),
    ('dp1_dz2 = "-p1*p2"', "correct"),
    ('dp1_dz1 = "p1*(1 - p1)"', "correct"),
    ('dp1_dz1 = "p1*(1 - p2)"', "wrong"),
    ('dL_dp1 = "-y1/p1"', "correct"),
])
def test_formula_answers_are_compared_symbolically(softmax_plan, line, verdict):
    (result,) = verdicts(softmax_plan, line).values()
    assert result[0] == verdict, line


@pytest.mark.parametrize("line, mistake", [
    (f"dL_dz1 = {four(1 - P[0])}", "target_minus_prediction"),
    ("dL_dz2 = 0", "diagonal_jacobian"),  # −y₂(1 − p₂); for the true class it equals p₁ − 1
    ("dp1_dz2 = 0", "diagonal_jacobian"),
    (f"dp1_dz2 = {four(P[0] * P[1])}", "sign_flipped"),
    (f"dp1_dz1 = {four(-P[0] ** 2)}", "jacobian_cases_swapped"),
    (f"loss = {four(-mpmath.log10(P[0]))}", "log_base_10"),
])
def test_softmax_mistakes_are_named(softmax_plan, line, mistake):
    (result,) = verdicts(softmax_plan, line).values()
    assert result == ("wrong", mistake), line


def test_template_filled_with_independent_values_is_all_correct(tmp_path):
    z, y = [mpmath.mpf(2), mpmath.mpf(1), mpmath.mpf("0.1")], [1, 0, 0]
    p, loss = softmax_ce(z, y)
    values = {"loss": loss}
    for i in range(3):
        values[f"p{i + 1}"] = p[i]
        values[f"dL_dp{i + 1}"] = -y[i] / p[i]
        values[f"dL_dz{i + 1}"] = values[f"jacobian.dL_dz{i + 1}"] = p[i] - y[i]
        for j in range(3):
            values[f"dp{i + 1}_dz{j + 1}"] = p[i] * (int(i == j) - p[j])
    template = run_solver("template", "softmax-ce").stdout
    lines = []
    for line in template.splitlines():
        if " = " in line and not line.startswith("#"):
            key = line.split(" = ")[0]
            lines.append(f"{key} = {mpmath.nstr(values[json.loads(key) if key.startswith(chr(34)) else key], 8)}")
    path = tmp_path / "filled.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_solver("check", "softmax-ce", str(path), "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["files"][0]["score"] == len(values) == 22


def test_network_formula_answers_and_mistakes(network_plan):
    d = network_plan.derivation
    value = lambda key: d.by_key[key.lower()].values[0].approx  # noqa: E731
    assert verdicts(network_plan, 'dL_dw1_12 = "dL_dz1_2 * x1"') == {"dL_dw1_12": ("correct", None)}
    assert verdicts(network_plan, 'dL_dz2_1 = "dL_dO2_1 * O2_1 * (1 - O2_1)"')["dL_dz2_1"][0] == "correct"
    no_slope = f"dL_dz2_1 = {value('dL_dO2_1'):.4f}"
    assert verdicts(network_plan, no_slope)["dL_dz2_1"] == ("wrong", "missing_factor")
    one_term = f"dL_dO1_1 = {value('dL_dz2_1') * value('w2_11') + value('dL_dz2_2') * value('w2_12'):.4f}"
    assert verdicts(network_plan, one_term)["dL_dO1_1"] == ("wrong", "missing_path")
    of_z = f"dL_dz2_1 = {value('dL_dO2_1') * value('z2_1') * (1 - value('z2_1')):.4f}"
    assert verdicts(network_plan, of_z)["dL_dz2_1"] == ("wrong", "sigmoid_prime_of_z")


def test_graph_formula_answers_and_mistakes(scalar_graph_plan):
    d = scalar_graph_plan.derivation
    value = lambda key: d.by_key[key.lower()].values[0].approx  # noqa: E731
    assert verdicts(scalar_graph_plan, '"local.dh_dz" = "h*(1 - h)"')["local.dh_dz"][0] == "correct"
    formula = '"(y - s)*(1 + w2*dh_dz*w1) + r*dh_dz*w1"'
    assert verdicts(scalar_graph_plan, f"dE_dx = {formula}")["dE_dx"][0] == "correct"
    two_paths = f"dE_dx = {value('path1.dE_dx') + value('path2.dE_dx'):.4f}"
    assert verdicts(scalar_graph_plan, two_paths)["dE_dx"] == ("wrong", "missing_path")


def test_reuse_counted_once_is_named():
    plan = CheckPlan(catalog.load_text(exercise_text("reuse").encode(), "reuse.toml"), Tolerance(4))
    assert verdicts(plan, '"local.db_da" = 1') == {"local.db_da": ("wrong", "reuse_counted_once")}
    assert verdicts(plan, '"local.db_da" = 2') == {"local.db_da": ("correct", None)}
