"""Values that working precision would cancel away are still right, and huge ones are printed honestly.

The references are computed here with mpmath from formulas rearranged so that they do not cancel
(−log(1 − σ(z)) = z + log(1 + e^−z), 1/(1 − σ(z)) = 1 + e^z), never through the solver's code.
"""

from __future__ import annotations

import json
from decimal import Decimal

import mpmath
import pytest
import sympy

from solver.maths.numbers import rounded_text
from solver.render import renderer
from solver.render.options import RenderOptions
from tests.conftest import run_solver
from tests.independent import solve_text

SATURATED = """\
kind = "backprop"
title = "a saturated sigmoid"
[network]
layers = [1, 1, 1]
activations = ["identity", "sigmoid"]
loss = "binary_cross_entropy"
[initial]
W1 = {w1}
b1 = 0
W2 = 1
b2 = 0
[training]
learning_rate = 0.1
epochs = {epochs}
samples = [{{ x = 1, y = 0 }}]
"""


def _value(derivation, key: str) -> mpmath.mpf:
    return mpmath.mpf(str(derivation.by_key[key].values[0].approx))


def _agree(value: mpmath.mpf, reference: mpmath.mpf, digits: int = 40) -> bool:
    """Within 10^−digits relatively, or below 10^−100000 (the working precision's smallest number)."""
    return abs(value - reference) <= max(abs(reference) * mpmath.mpf(10) ** -digits, mpmath.mpf(10) ** -100000)


@pytest.mark.parametrize("w1", [60, 200, 9999])
def test_the_loss_of_a_saturated_sigmoid_is_computed_to_40_digits(w1):
    derivation = solve_text(SATURATED.format(w1=w1, epochs=1))
    with mpmath.workdps(80):
        z = mpmath.mpf(w1)
        loss = z + mpmath.log1p(mpmath.exp(-z))  # −log(1 − σ(z)) without the cancellation
        gradient = 1 + mpmath.exp(z)  # ∂L/∂ŷ = 1/(1 − σ(z)) with y = 0
        assert _agree(_value(derivation, "s1.loss"), loss)
        assert _agree(_value(derivation, "s1.dl_dyhat"), gradient)


def test_a_saturated_sigmoid_keeps_its_digits_over_several_updates():
    # after the first update w₂ = 1 − 0.1·w₁·σ(w₁) is about −999, so update 2 saturates the other
    # way: ŷ = σ(−10⁷) is below 10^−100000 and is 0, the loss (−log(1 − ŷ) = log(1 + e^z)) too
    derivation = solve_text(SATURATED.format(w1=9999, epochs=3))
    with mpmath.workdps(80):
        w1, w2, b1, b2 = mpmath.mpf(9999), mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0)
        for k in (1, 2, 3):
            z2 = w2 * (w1 + b1) + b2
            yhat = 1 / (1 + mpmath.exp(-z2))
            assert _agree(_value(derivation, f"s{k}.loss"), mpmath.log1p(mpmath.exp(z2))), k
            delta = yhat  # (ŷ − y) with y = 0
            w1, b1, w2, b2 = (w1 - mpmath.mpf("0.1") * delta * w2, b1 - mpmath.mpf("0.1") * delta * w2,
                              w2 - mpmath.mpf("0.1") * delta * (w1 + b1), b2 - mpmath.mpf("0.1") * delta)
            for key, reference in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
                assert _agree(_value(derivation, f"s{k}.{key}"), reference), (k, key)


def test_the_saturated_problem_prints_in_every_format_and_json_reads_back(tmp_path):
    path = tmp_path / "saturated.toml"
    path.write_text(SATURATED.format(w1=9999, epochs=1), encoding="utf-8")
    terminal = run_solver("solve", str(path))
    assert terminal.returncode == 0, terminal.stderr
    assert "≈ 9999.0000" in terminal.stdout and "≈ 3.2398×10⁴³⁴²" in terminal.stdout
    derivation = solve_text(SATURATED.format(w1=9999, epochs=1))
    assert r"\approx 3.2398 \times 10^{4342}" in renderer("latex")(derivation, RenderOptions(4))
    for fmt in ("markdown", "latex", "json"):
        text = renderer(fmt)(derivation, RenderOptions(4)).lower()
        assert "nan" not in text.split() and "infinity" not in text
    document = json.loads(renderer("json")(derivation, RenderOptions(4)))
    steps = {s["key"]: s for s in document["steps"]}
    assert steps["s1.loss"]["numeric"] == 9999  # 9999 + 10^−4343, to 30 significant digits
    # 1 + e^9999 = 3.2398…e4342: Python reads it as a float (inf), other readers as a big number;
    # either way the literal is valid JSON in exponent form
    text = renderer("json")(derivation, RenderOptions(4))
    assert '"numeric": 3.23984736735534881042601450555e4342' in text


def test_a_value_that_cancels_to_zero_at_every_precision_is_zero():
    # Equal columns of W2 and a softmax output: ∂L/∂a₁ of the first hidden unit is
    # Σₘ W2[m,1]·δₘ = Σₘ δₘ = 0 exactly, since the softmax Jacobian's columns sum to 0.
    text = SATURATED.replace('activations = ["identity", "sigmoid"]', 'activations = ["tanh", "softmax"]')
    text = text.replace('loss = "binary_cross_entropy"', 'loss = "half_mse"\nlayout = "out_in"')
    text = text.replace("layers = [1, 1, 1]", "layers = [1, 2, 2]")
    text = text.replace("W1 = {w1}\nb1 = 0\nW2 = 1\nb2 = 0", 'W1 = [[0.5], ["-0.3"]]\nb1 = [0, 0]\n'
                        'W2 = [[1, 0.6], [1, "-0.6"]]\nb2 = [0.5, 0.5]')
    text = text.replace("samples = [{{ x = 1, y = 0 }}]", "samples = [{{ x = 0.7, y = [1, 0] }}]")
    derivation = solve_text(text.format(epochs=1))
    cells = derivation.by_key["s1.dl_da1"].values
    assert cells[0].approx == 0
    assert cells[1].approx != 0


@pytest.mark.parametrize("value, decimals, text", [
    (Decimal("123.456"), 4, "123.4560"),
    (Decimal("999999999999999.4"), 0, "999999999999999"),  # 15 digits: still written out
    (Decimal("1E+15"), 2, "1.00e+15"),
    (Decimal("-3.23984736735534881042601450555E+4342"), 4, "-3.2398e+4342"),
    (Decimal("9.99996E+20"), 4, "1.0000e+21"),  # the mantissa rounds up to 10: one more power
    (sympy.Integer(12) * sympy.Integer(10) ** 299, 3, "1.200e+300"),
    (sympy.Rational(10**20 - 1, 3), 2, "3.33e+19"),  # 33333333333333333333 rounded half-up
    (sympy.Rational(-5, 2), 0, "-3"),  # half away from zero
])
def test_displayed_numbers_are_rounded_half_up_and_huge_ones_get_a_power_of_ten(value, decimals, text):
    assert rounded_text(value, decimals) == text
