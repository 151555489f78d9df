"""The course's 1-1-1 ReLU problem: seed values computed by hand, and an exact Fraction re-derivation."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from solver.kinds.catalog import load
from tests.hand import dead_unit, hand_sgd


@pytest.fixture(scope="module")
def relu_111():
    return load("relu-111-sgd")


def exact(derivation, key):
    (value,) = derivation.by_key[key.lower()].values
    return value.exact


def test_seed_values_from_the_issue(relu_111):
    assert exact(relu_111, "s1.W1") == sympy.Rational(51, 50)
    assert exact(relu_111, "s2.yhat") == sympy.Rational("2.1212")
    assert exact(relu_111, "s2.dL_dW1") == sympy.Rational("-3.832752")
    assert exact(relu_111, "s2.b1") == sympy.Rational("0.03916376")
    w1 = sympy.Rational(216371783465987163241353, 195312500000000000000000)
    assert exact(relu_111, "s3.W1") == w1
    assert str(sympy.N(w1, 25)).startswith("1.1078235313458542")


SAMPLES = [(1, 3), (2, 4), (3, 5)]


@pytest.mark.parametrize(
    "problem, start",
    [
        ("relu-111-sgd", (1, 0, 1, 0)),
        ("relu-111-sgd-small", (Fraction("0.1"), Fraction("0.2"), Fraction("0.3"), Fraction("0.4"))),
        ("relu-111-sgd-half", (Fraction("0.5"),) * 4),
    ],
)
def test_every_key_matches_the_hand_derivation(problem, start):
    derivation = load(problem)
    rows = hand_sgd(*(Fraction(v) for v in start), SAMPLES)
    for k, row in enumerate(rows, start=1):
        for name, value in row.items():
            got = exact(derivation, f"s{k}.{name}")
            assert got == sympy.Rational(value.numerator, value.denominator), f"s{k}.{name}"
    # every computed key is one of the hand-derived ones, and nothing is missing
    expected_keys = {f"s{k}.{name}".lower() for k, row in enumerate(rows, start=1) for name in row}
    assert {step.key.lower() for step in derivation.steps} == expected_keys


def test_relu_derivative_is_shown_with_its_value(relu_111):
    step = relu_111.by_key["s2.dl_dw1"]
    from solver.render.terminal import step_line

    line = step_line(step, relu_111, 4)
    assert line == "∂L/∂w₁ = δ₁·x = (ŷ − y)·w₂·ReLU′(z₁)·x = (2.1212 − 4)·1.02·1·2"


def test_zero_pre_activation_gets_a_note():
    from solver.kinds.catalog import load_text

    derivation = load_text(dead_unit(), "dead.toml")
    notes = [n for s in derivation.sections for n in s.notes]
    assert any("exactly" in "".join(str(f) for f in n if isinstance(f, str)) for n in notes)
    # ReLU′(0) = 0: nothing flows back to the first layer
    assert exact(derivation, "s1.dL_dW1") == 0
    with_one = load_text(dead_unit(extra="relu_prime_at_zero = 1"), "d.toml")
    assert exact(with_one, "s1.dL_dW1") == -1
