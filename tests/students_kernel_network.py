"""Simulated students for the kernel-SVM and network (hand-built units) problems, worked by hand as in
``tests/students.py``: every value rounded to the student's places and each next value computed, in
mpmath, from the numbers written, with formulas of their own written here (never the solver's).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import mpmath

from tests.students import Notebook, mp


def exact(value) -> mpmath.mpf:
    """A number from a problem file (an int, a float as written, or a fraction "1/2")."""
    return mp(Fraction(str(value)))


def _point(x) -> list:
    return [exact(v) for v in (x if isinstance(x, list) else [x])]


# --- kernel SVMs ----------------------------------------------------------------------------------------


def kernel_student(problem: dict, alpha: dict[str, Fraction], notebook: Notebook,
                   phi: Callable[[list], list] | None = None, method: dict[str, str] | None = None) -> Notebook:
    """A kernel SVM from its dual solution ``alpha`` (known, hand-checked in the test): φ of each point
    (when ``phi`` is given), the Gram matrix, ΣK and ‖mean φ‖, the α, w (with φ), b from the first
    support vector, ‖w‖, margin (and width), f and yf of each point, the support vectors, and the query.

    ``method``: ``margin_as_width`` (margin), ``missing_bias`` (an f), ``sum_instead_of_mean`` (mean_norm).
    """
    method = method or {}
    points = problem["points"]
    names = [p["name"] for p in points]
    y = {p["name"]: exact(p["y"]) for p in points}
    x = {p["name"]: _point(p["x"]) for p in points}
    feature = {}
    if phi is not None:
        for name in names:
            feature[name] = notebook.write(f"phi.{name}", _one(phi(x[name])))
        kernel = lambda a, b: _dot(_list(a), _list(b))  # noqa: E731
        of = feature
    else:
        degree, c = problem["kernel"]["degree"], exact(problem["kernel"].get("c", 0))
        kernel = lambda a, b: (c + _dot(a, b)) ** degree  # noqa: E731
        of = x
    K = notebook.write("K", [[kernel(of[i], of[j]) for j in names] for i in names])
    total = notebook.write("sum_K", sum(v for row in K for v in row))
    scale = 1 if method.get("mean_norm") == "sum_instead_of_mean" else len(names)
    notebook.write("mean_norm", mpmath.sqrt(total) / scale)
    a = {name: notebook.write(f"alpha.{name}", mp(alpha.get(name, 0))) for name in names}
    first = next(name for name in names if a[name] > 0)
    Kw = {(i, j): K[names.index(i)][names.index(j)] for i in names for j in names}
    if phi is not None:
        w = notebook.write("w", sum(a[n] * y[n] * feature[n] for n in names))
        b = notebook.write("b", y[first] - w * feature[first])
        norm = notebook.write("norm_w", abs(w))
    else:
        b = notebook.write("b", y[first] - sum(a[n] * y[n] * Kw[(n, first)] for n in names))
        norm = notebook.write("norm_w", mpmath.sqrt(sum(a[i] * a[j] * y[i] * y[j] * Kw[(i, j)]
                                                         for i in names for j in names)))
    notebook.write("margin", (2 if method.get("margin") == "margin_as_width" else 1) / norm)
    if phi is not None:
        notebook.write("width", 2 / norm)
    f = {}
    for name in names:
        bare = w * feature[name] if phi is not None else sum(a[n] * y[n] * Kw[(n, name)] for n in names)
        f[name] = notebook.write(f"f.{name}", bare if method.get(f"f.{name}") == "missing_bias" else bare + b)
    if phi is not None:
        for name in names:
            notebook.write(f"yf.{name}", y[name] * f[name])
    # every point with α > 0, and any other on the margin (yᵢf(xᵢ) = 1 to the student's eye)
    support = [name for name in names if a[name] > 0 or abs(y[name] * f[name] - 1) < mpmath.mpf("0.05")]
    notebook.lines.append(f"support_vectors = {support!r}".replace("'", '"'))
    for query in problem.get("queries", []):
        q = _point(query["x"])
        if phi is not None:
            value = w * notebook.write(f"phi.{query['name']}", _one(phi(q))) + b
        else:
            row = notebook.write(f"kernel.{query['name']}", [kernel(x[n], q) for n in names])
            value = sum(a[n] * y[n] * k for n, k in zip(names, row)) + b
        written = notebook.write(f"f.{query['name']}", value)
        notebook.lines.append(f'class.{query["name"]} = "{"positive" if written > 0 else "negative"}"')
    return notebook


def _dot(u: list, v: list):
    return sum(a * b for a, b in zip(u, v))


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _one(values: list):
    return values[0] if len(values) == 1 else values


# --- networks of hand-built units -----------------------------------------------------------------------


def network_units(problem: dict) -> list[tuple[str, str, dict[str, mpmath.mpf], mpmath.mpf]]:
    """Each unit of a ``network`` problem as (name, activation, weights by input name, bias), in order."""
    if "units" in problem:
        return [(u["name"], u["activation"], {k: exact(v) for k, v in u.get("weights", {}).items()},
                 exact(u.get("bias", 0))) for u in problem["units"]]
    units, previous = [], problem["inputs"]
    layers = problem["layers"]
    for depth, layer in enumerate(layers):
        count = len(layer["b"])
        default = ["out"] if depth == len(layers) - 1 and count == 1 else [f"h{j + 1}" for j in range(count)]
        names = layer.get("names", default)
        for j, name in enumerate(names):
            weights = {previous[i]: exact(row[j]) for i, row in enumerate(layer["W"])}
            units.append((name, layer["activation"], weights, exact(layer["b"][j])))
        previous = names
    return units


def network_kind_student(problem: dict, notebook: Notebook, method: dict[str, str] | None = None) -> Notebook:
    """Every unit's output at every point of the file, unit by unit from the outputs written.

    ``method``: ``activation_missing`` (a unit's output written as its input w·x + b),
    ``threshold_as_bias`` (w·x − b).
    """
    method = method or {}
    at_zero = exact(problem.get("step_at_zero", 1))
    units = network_units(problem)
    for point in problem["points"]:
        values = dict(zip(problem["inputs"], _point(point["x"])))
        for name, activation, weights, bias in units:
            key = f"{name}.{point['name']}"
            how = method.get(key)
            z = sum(w * values[i] for i, w in weights.items()) + (-bias if how == "threshold_as_bias" else bias)
            if how == "activation_missing" or activation == "identity":
                value = z
            elif activation == "relu":
                value = max(z, mp(0))
            else:
                value = mp(1) if z > 0 else mp(0) if z < 0 else at_zero
            values[name] = notebook.write(key, value)
    return notebook
