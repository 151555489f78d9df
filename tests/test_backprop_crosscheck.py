"""Random networks: exact gradients and updates against an independent NumPy pass and finite differences.

Each case is a random small network (1–3 hidden layers, every activation and loss, both layouts,
all three update modes).  The derivation's values must agree with a plain NumPy float64
forward/backward pass written here (through full activation Jacobians, not the shortcuts the
solver prints), and its first-update gradients with central finite differences of the batch loss
computed with mpmath at 60 digits.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from solver.kinds.catalog import load_text

CASES = 200
HIDDEN = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]
OUTPUTS = [  # (output activation, loss)
    ("identity", "half_mse"), ("identity", "mse"), ("relu", "half_mse"), ("leaky_relu", "mse"),
    ("sigmoid", "half_mse"), ("tanh", "mse"), ("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy"),
    ("softmax", "half_mse"),
]


def _frac(rng: random.Random, low: int, high: int, den: int) -> Fraction:
    return Fraction(rng.randint(low, high), den)


def _toml(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_toml(e) for e in v) + "]"
    return f'"{v}"'


def random_problem(seed: int) -> dict:
    rng = random.Random(seed)
    depth = rng.randint(2, 4)
    output, loss = rng.choice(OUTPUTS)
    n_out = rng.randint(2, 3) if output == "softmax" else rng.randint(1, 2 if loss == "binary_cross_entropy" else 3)
    sizes = [rng.randint(1, 3)] + [rng.randint(1, 3) for _ in range(depth - 1)] + [n_out]
    activations = [rng.choice(HIDDEN) for _ in range(depth - 1)] + [output]
    layout = rng.choice(["in_out", "out_in"])
    mode = rng.choice(["sgd", "minibatch", "batch"])
    n_samples = rng.randint(1, 3)
    spec = {
        "sizes": sizes, "activations": activations, "loss": loss, "layout": layout, "mode": mode,
        "batch_size": 2, "epochs": rng.randint(1, 2), "eta": _frac(rng, 1, 10, 10),
        "slope": rng.choice([Fraction(1, 100), Fraction(1, 10)]), "h0": rng.choice([Fraction(0), Fraction(1, 2), Fraction(1)]),
        "W": [], "b": [], "samples": [],
    }
    for l in range(1, len(sizes)):
        n_in, n_o = sizes[l - 1], sizes[l]
        w_in_out = [[_frac(rng, -10, 10, 10) for _ in range(n_o)] for _ in range(n_in)]
        spec["W"].append(w_in_out)
        spec["b"].append([_frac(rng, -5, 5, 10) for _ in range(n_o)])
    for _ in range(n_samples):
        x = [_frac(rng, -8, 8, 4) for _ in range(sizes[0])]
        if loss == "cross_entropy":
            kind = rng.random()
            if kind < 0.6:
                y = [Fraction(0)] * n_out
                y[rng.randrange(n_out)] = Fraction(1)
            elif kind < 0.85:
                parts = [rng.randint(0, 4) for _ in range(n_out)]
                total = sum(parts) or 1
                y = [Fraction(p, total) for p in parts]
            else:  # soft labels that do not sum to 1
                y = [_frac(rng, 0, 4, 4) for _ in range(n_out)]
        elif loss == "binary_cross_entropy":
            y = [rng.choice([Fraction(0), Fraction(1), Fraction(1, 4)]) for _ in range(n_out)]
        else:
            y = [_frac(rng, -8, 8, 4) for _ in range(n_out)]
        spec["samples"].append((x, y))
    return spec


def problem_text(spec: dict) -> bytes:
    out_in = spec["layout"] == "out_in"
    lines = [
        'kind = "backprop"', 'title = "random"', "[network]", f"layers = {spec['sizes']}",
        f"activations = {spec['activations']!r}".replace("'", '"'), f'loss = "{spec["loss"]}"',
        f'layout = "{spec["layout"]}"', f'leaky_relu_slope = "{spec["slope"]}"', f'relu_prime_at_zero = "{spec["h0"]}"',
        "[initial]",
    ]
    for l, (w, b) in enumerate(zip(spec["W"], spec["b"]), start=1):
        matrix = [list(r) for r in zip(*w)] if out_in else w
        lines += [f"W{l} = {_toml(matrix)}", f"b{l} = {_toml(b)}"]
    lines += ["[training]", f'learning_rate = "{spec["eta"]}"', f'mode = "{spec["mode"]}"', f"epochs = {spec['epochs']}"]
    if spec["mode"] == "minibatch":
        lines.append(f"batch_size = {spec['batch_size']}")
    samples = ", ".join(f"{{ x = {_toml(x)}, y = {_toml(y)} }}" for x, y in spec["samples"])
    lines.append(f"samples = [{samples}]")
    return "\n".join(lines).encode()


# --- the independent NumPy reference ----------------------------------------------------------


def _activation(name: str, z: np.ndarray, slope: float) -> np.ndarray:
    if name == "identity":
        return z.copy()
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z >= 0, z, slope * z)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    e = np.exp(z - z.max())
    return e / e.sum()


def _jacobian(name: str, z: np.ndarray, a: np.ndarray, slope: float, h0: float) -> np.ndarray:
    """∂a/∂z as a full matrix."""
    if name == "softmax":
        return np.diag(a) - np.outer(a, a)
    if name == "identity":
        d = np.ones_like(z)
    elif name == "relu":
        d = np.where(z > 0, 1.0, np.where(z < 0, 0.0, h0))
    elif name == "leaky_relu":
        d = np.where(z > 0, 1.0, np.where(z < 0, slope, slope + (1 - slope) * h0))
    elif name == "sigmoid":
        d = a * (1 - a)
    else:
        d = 1 - a**2
    return np.diag(d)


def _loss_and_gradient(loss: str, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    k = len(y)
    if loss == "half_mse":
        return 0.5 * np.sum((p - y) ** 2), p - y
    if loss == "mse":
        return np.sum((p - y) ** 2) / k, 2 * (p - y) / k
    if loss == "cross_entropy":
        return -np.sum(y * np.log(p)), -y / p
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / k, (-y / p + (1 - y) / (1 - p)) / k


def numpy_training(spec: dict) -> list[dict]:
    """Every update's per-sample values, batch means and new parameters (in_out layout)."""
    W = [np.array(w, dtype=float) for w in spec["W"]]
    b = [np.array(v, dtype=float) for v in spec["b"]]
    slope, h0, eta = float(spec["slope"]), float(spec["h0"]), float(spec["eta"])
    size = {"sgd": 1, "minibatch": spec["batch_size"], "batch": len(spec["samples"])}[spec["mode"]]
    samples = [(np.array(x, dtype=float), np.array(y, dtype=float)) for x, y in spec["samples"]]
    batches = [samples[i : i + size] for i in range(0, len(samples), size)] * spec["epochs"]
    updates = []
    for batch in batches:
        per_sample, gW, gb, losses = [], [np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b], []
        for x, y in batch:
            a, zs, acts = x, [], [x]
            for l, name in enumerate(spec["activations"]):
                z = a @ W[l] + b[l]
                a = _activation(name, z, slope)
                zs.append(z)
                acts.append(a)
            loss, g = _loss_and_gradient(spec["loss"], a, y)
            record = {"loss": loss, "yhat": a}
            for l in range(len(W) - 1, -1, -1):
                delta = g @ _jacobian(spec["activations"][l], zs[l], acts[l + 1], slope, h0)
                record[f"delta{l + 1}"] = delta
                record[f"dL_dW{l + 1}"] = np.outer(acts[l], delta)
                gW[l] += record[f"dL_dW{l + 1}"]
                gb[l] += delta
                g = delta @ W[l].T
            per_sample.append(record)
            losses.append(loss)
        n = len(batch)
        means = {"loss": sum(losses) / n}
        for l in range(len(W)):
            means[f"dL_dW{l + 1}"], means[f"dL_db{l + 1}"] = gW[l] / n, gb[l] / n
            W[l] = W[l] - eta * gW[l] / n
            b[l] = b[l] - eta * gb[l] / n
            means[f"W{l + 1}"], means[f"b{l + 1}"] = W[l].copy(), b[l].copy()
        updates.append({"samples": per_sample, "means": means})
    return updates


# --- finite differences at 60 digits -----------------------------------------------------------


def _mp_activation(name: str, z: list, slope) -> list:
    if name == "identity":
        return z
    if name == "relu":
        return [v if v > 0 else mpmath.mpf(0) for v in z]
    if name == "leaky_relu":
        return [v if v >= 0 else slope * v for v in z]
    if name == "sigmoid":
        return [1 / (1 + mpmath.exp(-v)) for v in z]
    if name == "tanh":
        return [mpmath.tanh(v) for v in z]
    e = [mpmath.exp(v) for v in z]
    return [v / sum(e) for v in e]


def mp_batch_loss(spec: dict, W: list, b: list, batch: list) -> mpmath.mpf:
    slope = mpmath.mpf(spec["slope"].numerator) / spec["slope"].denominator
    total = mpmath.mpf(0)
    for x, y in batch:
        a = [mpmath.mpf(v.numerator) / v.denominator for v in x]
        t = [mpmath.mpf(v.numerator) / v.denominator for v in y]
        for l, name in enumerate(spec["activations"]):
            z = [sum(a[i] * W[l][i][j] for i in range(len(a))) + b[l][j] for j in range(len(b[l]))]
            a = _mp_activation(name, z, slope)
        k = len(t)
        if spec["loss"] == "half_mse":
            total += sum((p - q) ** 2 for p, q in zip(a, t)) / 2
        elif spec["loss"] == "mse":
            total += sum((p - q) ** 2 for p, q in zip(a, t)) / k
        elif spec["loss"] == "cross_entropy":
            total -= sum(q * mpmath.log(p) for p, q in zip(a, t))
        else:
            total -= sum(q * mpmath.log(p) + (1 - q) * mpmath.log(1 - p) for p, q in zip(a, t)) / k
    return total / len(batch)


def finite_difference_gradients(spec: dict) -> list[tuple[list, list]]:
    """∂(mean loss of the first batch)/∂W and ∂/∂b for every layer, by central differences."""
    size = {"sgd": 1, "minibatch": spec["batch_size"], "batch": len(spec["samples"])}[spec["mode"]]
    batch = spec["samples"][:size]
    mp = lambda f: mpmath.mpf(f.numerator) / f.denominator  # noqa: E731
    W = [[[mp(v) for v in row] for row in w] for w in spec["W"]]
    b = [[mp(v) for v in row] for row in spec["b"]]
    h = mpmath.mpf(10) ** -25
    out = []
    for l in range(len(W)):
        def diff(target, i, j=None):
            cell = (lambda: target[i][j]) if j is not None else (lambda: target[i])
            original = cell()
            values = []
            for step in (h, -h):
                if j is not None:
                    target[i][j] = original + step
                else:
                    target[i] = original + step
                values.append(mp_batch_loss(spec, W, b, batch))
            if j is not None:
                target[i][j] = original
            else:
                target[i] = original
            return (values[0] - values[1]) / (2 * h)

        gW = [[diff(W[l], i, j) for j in range(len(W[l][0]))] for i in range(len(W[l]))]
        gb = [diff(b[l], j) for j in range(len(b[l]))]
        out.append((gW, gb))
    return out


# --- the comparison ---------------------------------------------------------------------------


def values_of(derivation, key: str, out_in: bool) -> np.ndarray:
    """A quantity's values as floats, in the in_out orientation the reference uses."""
    quantity = derivation.by_key[key.lower()]
    array = np.array([[float(v.approx) for v in row] for row in quantity.rows()])
    return array.T if out_in else array


def close(ours: np.ndarray, reference: np.ndarray, what: str) -> None:
    ours, reference = np.asarray(ours, dtype=float).reshape(-1), np.asarray(reference, dtype=float).reshape(-1)
    assert ours.shape == reference.shape, what
    assert np.all(np.abs(ours - reference) <= 1e-9 * np.maximum(1.0, np.abs(reference))), (
        f"{what}: {ours} vs {reference}"
    )


def has_kink_at_first_update(derivation, spec: dict) -> bool:
    """A ReLU-type pre-activation near 0 in the first update makes finite differences meaningless."""
    kinked = {l + 1 for l, a in enumerate(spec["activations"]) if a in ("relu", "leaky_relu")}
    for step in derivation.steps:
        if not step.key.startswith("s1."):
            continue
        last = step.key.split(".")[-1]
        if last[0] == "z" and last[1:].isdigit() and int(last[1:]) in kinked:
            if any(abs(v.approx) < Decimal("1e-6") for v in step.values):
                return True
    return False


@pytest.mark.parametrize("seed", range(CASES))
def test_random_network_against_numpy_and_finite_differences(seed):
    spec = random_problem(seed)
    derivation = load_text(problem_text(spec), f"random-{seed}.toml")
    out_in = spec["layout"] == "out_in"
    in_batch = {"sgd": 1, "minibatch": spec["batch_size"], "batch": len(spec["samples"])}[spec["mode"]] > 1
    depth = len(spec["W"])
    for k, update in enumerate(numpy_training(spec), start=1):
        for j, record in enumerate(update["samples"], start=1):
            prefix = f"s{k}.sample{j}." if in_batch else f"s{k}."
            for name, reference in record.items():
                close(values_of(derivation, prefix + name, out_in), reference, f"seed {seed} {prefix}{name}")
        for name, reference in update["means"].items():
            if not in_batch and name.startswith("dL") or (not in_batch and name == "loss"):
                continue  # per-sample SGD: the sample's own values, compared above
            close(values_of(derivation, f"s{k}.{name}", out_in), reference, f"seed {seed} s{k}.{name}")
        for l in range(1, depth + 1):
            close(values_of(derivation, f"s{k}.W{l}", out_in), update["means"][f"W{l}"], f"seed {seed} s{k}.W{l}")

    if has_kink_at_first_update(derivation, spec):
        return
    with mpmath.workdps(60):
        for l, (gW, gb) in enumerate(finite_difference_gradients(spec), start=1):
            for key, reference in ((f"s1.dL_dW{l}", gW), (f"s1.dL_db{l}", gb)):
                rows = derivation.by_key[key.lower()].rows()
                ours = np.array([[v.approx for v in row] for row in rows], dtype=object)
                ours = (ours.T if out_in else ours).reshape(-1)
                want = np.array(reference, dtype=object).reshape(-1)
                for got, fd in zip(ours, want):
                    assert abs(mpmath.mpf(str(got)) - fd) <= mpmath.mpf(10) ** -20 * max(1, abs(fd)), (
                        f"seed {seed} {key}: {got} vs finite difference {fd}"
                    )


def test_the_random_cases_cover_every_option():
    specs = [random_problem(seed) for seed in range(CASES)]
    assert {a for s in specs for a in s["activations"]} == set(HIDDEN) | {"softmax"}
    assert {s["loss"] for s in specs} == {"half_mse", "mse", "cross_entropy", "binary_cross_entropy"}
    assert {s["mode"] for s in specs} == {"sgd", "minibatch", "batch"}
    assert {s["layout"] for s in specs} == {"in_out", "out_in"}
    assert {len(s["W"]) - 1 for s in specs} == {1, 2, 3}
