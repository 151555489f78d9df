"""The 1-1-1 ReLU network worked by hand with Fractions: an implementation independent of the solver.

``slips`` maps a key such as ``"s2.b1"`` to the value a student wrote instead of the right one;
the hand computation then carries on from the student's value, as the student would.
"""

from __future__ import annotations

from fractions import Fraction

SAMPLES = [(1, 3), (2, 4), (3, 5)]


def hand_sgd(w1, b1, w2, b2, samples=SAMPLES, eta=Fraction(1, 100), slips=None):
    """Every quantity of every update, as on paper; with ``slips``, a student's working."""
    slips = slips or {}
    rows = []
    for k, (x, y) in enumerate(samples, start=1):
        row: dict[str, Fraction] = {}

        def put(name, value):
            row[name] = slips.get(f"s{k}.{name}", value)
            return row[name]

        z1 = put("z1", w1 * x + b1)
        a1 = put("a1", max(z1, Fraction(0)))
        z2 = put("z2", w2 * a1 + b2)
        yhat = put("yhat", z2)
        put("loss", (yhat - y) ** 2 / 2)
        d_yhat = put("dL_dyhat", yhat - y)
        d2 = put("delta2", d_yhat)
        g_w2 = put("dL_dW2", d2 * a1)
        g_b2 = put("dL_db2", d2)
        d_a1 = put("dL_da1", d2 * w2)
        d1 = put("delta1", d_a1 * (1 if z1 > 0 else 0))
        g_w1 = put("dL_dW1", d1 * x)
        g_b1 = put("dL_db1", d1)
        w1 = put("W1", w1 - eta * g_w1)
        b1 = put("b1", b1 - eta * g_b1)
        w2 = put("W2", w2 - eta * g_w2)
        b2 = put("b2", b2 - eta * g_b2)
        rows.append(row)
    return rows


def as_answers(rows, places: int | None = 4, truncate: bool = False) -> str:
    """An answer file holding every value, rounded (or truncated) to ``places``."""
    lines = []
    for k, row in enumerate(rows, start=1):
        for name, value in row.items():
            lines.append(f"s{k}.{name} = {decimal_text(value, places, truncate)}")
    return "\n".join(lines) + "\n"


def decimal_text(value: Fraction, places: int | None, truncate: bool = False) -> str:
    """A fraction written with ``places`` decimals, half-up or truncated; exactly as ``"p/q"`` if None."""
    if places is None:
        return f'"{value.numerator}/{value.denominator}"'
    scaled = abs(value) * 10**places
    whole = int(scaled) if truncate else int(scaled + Fraction(1, 2))
    sign = "-" if value < 0 and whole else ""
    digits = str(whole).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def dead_unit(w2: int = 1, extra: str = "") -> bytes:
    """A 1-1-1 ReLU problem whose pre-activation z₁ = 1·1 − 1 is exactly 0 (a dead unit)."""
    return f"""
kind = "backprop"
title = "a dead unit"
[network]
layers = [1, 1, 1]
activations = ["relu", "identity"]
loss = "half_mse"
{extra}
[initial]
W1 = 1
b1 = -1
W2 = {w2}
b2 = 0
[training]
learning_rate = 0.1
samples = [{{ x = 1, y = 1 }}]
""".encode()
