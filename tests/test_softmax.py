"""The softmax kind: values against independent mpmath computations, symbolic results against sympy's diff."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy

from solver.kinds import catalog
from solver.maths.evaluate import evaluate_decimal
from solver.render.terminal import fragments as note_text
from tests.independent import (
    at_point,
    close,
    partial_derivative,
    rational_text,
    sigmoid,
    softmax_ce,
    solve_text,
    values,
)


def logits_problem(z: list[Fraction], y: list[Fraction]) -> str:
    return (
        'kind = "softmax"\ntitle = "t"\n[softmax]\n'
        f"z = [{', '.join(rational_text(v) for v in z)}]\n"
        f"y = [{', '.join(rational_text(v) for v in y)}]\n"
    )


def random_labels(rng: random.Random, k: int, style: str) -> list[Fraction]:
    if style == "one-hot":
        hot = rng.randrange(k)
        return [Fraction(int(i == hot)) for i in range(k)]
    weights = [Fraction(rng.randint(0, 9)) for _ in range(k)]
    weights[rng.randrange(k)] += 1
    if style == "soft":
        return [w / sum(weights) for w in weights]
    return [w / 7 for w in weights]  # soft labels that need not sum to 1


# --- the built-in problem, checked by hand -----------------------------------------------------


def test_softmax_ce_values_match_hand_computation():
    d = catalog.load("softmax-ce")
    e2, e1, e01 = mpmath.exp(2), mpmath.exp(1), mpmath.exp(mpmath.mpf(1) / 10)
    total = e2 + e1 + e01
    p = [e2 / total, e1 / total, e01 / total]
    assert mpmath.nstr(p[0], 6) == "0.659001"
    for i in range(3):
        assert close(values(d, f"p{i + 1}")[0], p[i])
    assert close(values(d, "loss")[0], -mpmath.log(p[0]))
    expected = [p[0] - 1, p[1], p[2]]
    for k in range(3):
        assert close(values(d, f"dL_dz{k + 1}")[0], expected[k])
        assert close(values(d, f"jacobian.dL_dz{k + 1}")[0], expected[k])
    assert close(values(d, "dp1_dz2")[0], -p[0] * p[1])
    assert close(values(d, "dp2_dz2")[0], p[1] * (1 - p[1]))


def test_template_lists_the_design_keys(solver_cli):
    result = solver_cli("template", "softmax-ce")
    assert result.returncode == 0
    keys = {line.split(" = ")[0] for line in result.stdout.splitlines() if " = " in line}
    expected = {"p1", "p2", "p3", "loss", "dL_dz1", "dL_dz2", "dL_dz3"}
    expected |= {f"dp{i}_dz{j}" for i in range(1, 4) for j in range(1, 4)}
    assert expected <= keys


# --- random problems: both routes, finite differences, sympy's diff ---------------------------


@pytest.mark.parametrize("seed", range(8))
def test_random_logits_routes_agree_with_finite_differences(seed):
    rng = random.Random(seed)
    k = rng.randint(2, 6)
    style = ("one-hot", "soft", "unnormalised")[seed % 3]
    z = [Fraction(rng.randint(-40, 40), 10) for _ in range(k)]
    y = random_labels(rng, k, style)
    d = solve_text(logits_problem(z, y))
    zm, ym = [mpmath.mpf(v.numerator) / v.denominator for v in z], [mpmath.mpf(v.numerator) / v.denominator for v in y]
    loss = lambda point: softmax_ce(point, ym)[1]  # noqa: E731
    p = softmax_ce(zm, ym)[0]
    for i in range(k):
        assert close(values(d, f"p{i + 1}")[0], p[i])
        gradient = partial_derivative(loss, zm, i)
        assert close(values(d, f"dL_dz{i + 1}")[0], gradient, 30)
        assert close(values(d, f"jacobian.dL_dz{i + 1}")[0], values(d, f"dL_dz{i + 1}")[0], 45)
        for j in range(k):
            entry = partial_derivative(lambda point: softmax_ce(point, ym)[0][i], zm, j)
            assert close(values(d, f"dp{i + 1}_dz{j + 1}")[0], entry, 30)


def test_symbolic_results_equal_sympy_diff_exactly():
    d = catalog.load("softmax-ce")
    z = [sympy.Symbol(f"z{i}") for i in range(1, 4)]
    y_values = {sympy.Symbol(f"y{i}"): v for i, v in zip(range(1, 4), (1, 0, 0))}
    loss = d.by_key["loss"].symbolic[0]
    for k in range(3):
        derivative = sympy.diff(loss, z[k])
        via = d.by_key[f"jacobian.dl_dz{k + 1}"].symbolic[0]
        assert sympy.simplify(derivative - via) == 0  # holds for any labels
        shortcut = d.by_key[f"dl_dz{k + 1}"].symbolic[0]  # holds when the labels sum to 1
        assert sympy.simplify((derivative - shortcut).xreplace(y_values)) == 0
        for i in range(3):
            p = d.by_key[f"p{i + 1}"].symbolic[0]
            assert sympy.simplify(sympy.diff(p, z[k]) - d.by_key[f"dp{i + 1}_dz{k + 1}"].symbolic[0]) == 0


@pytest.mark.parametrize("seed", range(3))
def test_symbolic_results_equal_sympy_diff_at_random_points(seed):
    rng = random.Random(100 + seed)
    k = rng.randint(2, 6)
    d = solve_text(logits_problem([Fraction(rng.randint(-9, 9)) for _ in range(k)],
                                  random_labels(rng, k, "unnormalised")))
    loss = d.by_key["loss"].symbolic[0]
    point = {s: Fraction(rng.randint(-30, 30), 10) for s in loss.free_symbols}
    for i in range(1, k + 1):
        derivative = sympy.diff(loss, sympy.Symbol(f"z{i}"))
        for key in (f"dL_dz{i}", f"jacobian.dL_dz{i}"):
            assert close(at_point(derivative, point), at_point(d.by_key[key.lower()].symbolic[0], point))


def test_labels_not_summing_to_one_change_the_shortcut():
    d = solve_text(logits_problem([Fraction(1), Fraction(0), Fraction(-1)], [Fraction(1, 2)] * 3))
    notes = " ".join(note_text(n, d, 4) for s in d.sections for n in s.notes)
    assert "does not hold" in notes
    step = d.by_key["dl_dz1"]
    assert "shortcut_without_sum" in {m.id for m in step.mistakes}
    p, L = softmax_ce([mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(-1)], [mpmath.mpf(1) / 2] * 3)
    assert close(values(d, "dL_dz1")[0], p[0] * mpmath.mpf(3) / 2 - mpmath.mpf(1) / 2)
    assert close(values(d, "jacobian.dL_dz1")[0], values(d, "dL_dz1")[0], 45)


# --- mistakes ---------------------------------------------------------------------------------


def mistake_value(d, key: str, mistake_id: str) -> Decimal:
    step = d.by_key[key.lower()]
    mistake = next(m for m in step.mistakes if m.id == mistake_id)
    return evaluate_decimal(mistake.cell_formulas[0], {s: v.approx for s, v in d.cell_values.items()})


def test_mistake_variants_compute_the_slips_they_name():
    d = catalog.load("softmax-ce")
    p = [values(d, k)[0] for k in ("p1", "p2", "p3")]
    assert close(mistake_value(d, "dL_dz1", "target_minus_prediction"), 1 - p[0])
    assert close(mistake_value(d, "dL_dz1", "diagonal_jacobian"), -(1 - p[0]))
    assert close(mistake_value(d, "dp1_dz2", "diagonal_jacobian"), 0)
    assert close(mistake_value(d, "dp1_dz2", "sign_flipped"), p[0] * p[1])
    assert close(mistake_value(d, "loss", "log_base_10"), -mpmath.log10(p[0]))
    assert close(mistake_value(d, "jacobian.dL_dz2", "diagonal_jacobian"), 0)


# --- the 2-2-3-2 network ----------------------------------------------------------------------


def network_loss(parameters: dict, x: list, y: list, sizes: list[int]):
    """The cross-entropy loss of a sigmoid network with a softmax output, in mpmath."""
    outputs = x
    for layer in range(1, len(sizes)):
        z = [sum(parameters[f"w{layer}_{i + 1}{j + 1}"] * outputs[i] for i in range(sizes[layer - 1]))
             + parameters[f"b{layer}_{j + 1}"] for j in range(sizes[layer])]
        outputs = z if layer == len(sizes) - 1 else [sigmoid(v) for v in z]
    return softmax_ce(outputs, y)[1]


def test_network_gradients_match_finite_differences():
    d = catalog.load("net-2232-softmax")
    names = [q.key for q in d.givens if q.key[0] in "wb"]
    point = [mpmath.mpf(str(d.by_key[n.lower()].values[0].approx)) for n in names]
    x = values(d, "x1") + values(d, "x2")
    y = values(d, "y1") + values(d, "y2")
    loss = lambda p: network_loss(dict(zip(names, p)), x, y, [2, 2, 3, 2])  # noqa: E731
    assert close(values(d, "loss")[0], loss(point))
    for i, name in enumerate(names):
        assert close(values(d, f"dL_d{name}")[0], partial_derivative(loss, point, i), 30), name


def test_network_symbolic_gradients_equal_sympy_diff():
    d = catalog.load("net-2232-softmax")
    loss = d.by_key["loss"].symbolic[0]
    rng = random.Random(7)
    for step in d.steps:
        if not step.key.startswith(("dL_dw", "dL_db")):
            continue
        derivative = sympy.diff(loss, sympy.Symbol(step.key.removeprefix("dL_d")))
        point = {s: Decimal(rng.randint(-20, 20)) / 10 for s in loss.free_symbols}
        point.update({sympy.Symbol("y1"): Decimal("0.25"), sympy.Symbol("y2"): Decimal("0.75")})  # Σy = 1
        assert abs(evaluate_decimal(derivative, point) - evaluate_decimal(step.symbolic[0], point)) < Decimal("1e-45")


def test_network_mistakes_are_attached():
    d = catalog.load("net-2232-softmax")
    ids = lambda key: {m.id for m in d.by_key[key.lower()].mistakes}  # noqa: E731
    assert {"target_minus_prediction", "diagonal_jacobian"} <= ids("dL_dz3_1")
    assert {"missing_path", "missing_factor"} <= ids("dL_dO2_1")
    assert {"missing_factor", "sigmoid_prime_of_z"} <= ids("dL_dz2_1")
    assert ids("dL_dw1_12") == {"missing_factor"}
    assert sum(m.id == "missing_path" for m in d.by_key["dl_do1_1"].mistakes) == 3  # feeds three units


@pytest.mark.parametrize("seed", range(2))
def test_network_at_random_parameters_matches_finite_differences(seed):
    rng = random.Random(seed)
    number = lambda: f'"{rng.randint(-15, 15)}/10"'  # noqa: E731
    row = lambda n: "[" + ", ".join(number() for _ in range(n)) + "]"  # noqa: E731
    rows = lambda r, c: "[" + ", ".join(row(c) for _ in range(r)) + "]"  # noqa: E731
    text = (f'kind = "softmax"\ntitle = "t"\n[network]\nlayers = [2, 2, 3, 2]\n[parameters]\n'
            f"W1 = {rows(2, 2)}\nb1 = {row(2)}\nW2 = {rows(2, 3)}\nb2 = {row(3)}\nW3 = {rows(3, 2)}\nb3 = {row(2)}\n"
            f"[sample]\nx = {row(2)}\ny = [1, 0]\n")
    d = solve_text(text)
    names = [q.key for q in d.givens if q.key[0] in "wb"]
    point = [mpmath.mpf(str(d.by_key[n.lower()].values[0].approx)) for n in names]
    x = values(d, "x1") + values(d, "x2")
    loss = lambda p: network_loss(dict(zip(names, p)), x, [1, 0], [2, 2, 3, 2])  # noqa: E731
    for i, name in enumerate(names):
        assert close(values(d, f"dL_d{name}")[0], partial_derivative(loss, point, i), 30), name


def test_network_with_soft_labels_and_a_larger_shape():
    text = """
kind = "softmax"
title = "t"
[network]
layers = [3, 2, 3]
[parameters]
W1 = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]
b1 = [0, 0.1]
W2 = [[0.2, -0.1, 0.3], [0.5, 0.2, -0.4]]
b2 = [0, 0.1, -0.1]
[sample]
x = [1, -1, 2]
y = [0.5, 0.5, 0.5]
"""
    d = solve_text(text)
    names = [q.key for q in d.givens if q.key[0] in "wb"]
    point = [mpmath.mpf(str(d.by_key[n.lower()].values[0].approx)) for n in names]
    loss = lambda p: network_loss(dict(zip(names, p)), [1, -1, 2], [mpmath.mpf(1) / 2] * 3, [3, 2, 3])  # noqa: E731
    for i, name in enumerate(names):
        assert close(values(d, f"dL_d{name}")[0], partial_derivative(loss, point, i), 30), name


# --- output formats and bad input -------------------------------------------------------------


@pytest.mark.parametrize("problem", ["softmax-ce", "net-2232-softmax"])
def test_json_output(solver_cli, problem):
    result = solver_cli("softmax", problem, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["kind"] == "softmax"
    assert {"key", "formula", "latex", "value", "numeric"} <= set(document["steps"][0])


@pytest.mark.parametrize("problem", ["softmax-ce", "net-2232-softmax"])
@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_text_formats(solver_cli, problem, fmt):
    result = solver_cli("softmax", problem, "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "dL_dz" in result.stdout


BAD_SOFTMAX = [
    ('[softmax]\nz = [1]\ny = [1]', "softmax.z: expected 2 to 9 logits"),
    ('[softmax]\nz = [1, 2]\ny = [1, 0, 0]', "softmax.y: expected 2 numbers"),
    ('[softmax]\nz = [1, 2]\ny = [1, -1]', "must not be negative"),
    ('[softmax]\nz = [1, 5000]\ny = [1, 0]', "logits must lie between"),
    ('[softmax]\nz = [1, "x"]\ny = [1, 0]', "softmax.z[2]"),
    ('[logits]\nz = [1, 2]', "unknown key"),
    ('[network]\nlayers = [2, 2]\n', "expected 3 to 6 layer sizes"),
    ('[network]\nlayers = [2, 2, 2]\n[parameters]\nW1 = [[1, 2]]\nb1 = [0, 0]\nW2 = [[1, 0], [0, 1]]\nb2 = [0, 0]\n'
     '[sample]\nx = [1, 1]\ny = [1, 0]', "parameters.W1: expected 2×2"),
]


@pytest.mark.parametrize("body,message", BAD_SOFTMAX)
def test_bad_files_are_refused_in_one_line(tmp_path, solver_cli, body, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'kind = "softmax"\ntitle = "bad"\n{body}\n', encoding="utf-8")
    result = solver_cli("softmax", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr
