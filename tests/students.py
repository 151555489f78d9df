"""Simulated students for the checker's tests: each works a problem by hand, as on paper.

A student writes every value rounded (half-up) to a number of places and computes each next value from
the numbers written so far, in mpmath at 50 digits, with formulas of its own written here (never the
solver's).  A *slip* adds a wrong amount to one written value, which the student then carries forward;
a *planted mistake* computes one key the mistaken way (each mistake's formula is written here too) and
carries that forward.  The problems are the built-ins and the random networks of
``tests/test_backprop_crosscheck.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import mpmath

mpmath.mp.dps = 50


class Unworkable(Exception):
    """The student cannot go on from the numbers written (a logarithm of a value rounded to 0)."""


def mp(value) -> mpmath.mpf:
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    return mpmath.mpf(value)


def log(x):
    if x <= 0:
        raise Unworkable(f"log of {x}")
    return mpmath.log(x)


class Notebook:
    """What a student has written: ``key = value`` lines, each number rounded to ``places`` decimals.

    ``slip`` is (key, amount): that key's first element is written off by ``amount``.  ``plant`` maps a
    key to a function of the right value giving the value written instead.
    """

    def __init__(self, places: int, slip: tuple[str, float] | None = None,
                 plant: dict[str, Callable] | None = None) -> None:
        self.places = places
        self.slip = slip
        self.plant = plant or {}
        self.lines: list[str] = []
        self.written: dict[str, object] = {}

    def number(self, x) -> tuple[mpmath.mpf, str]:
        """``x`` rounded half-up to the student's places, as a number and as written."""
        text = mpmath.nstr(mp(x), 45, strip_zeros=False, min_fixed=-10**6, max_fixed=10**6)
        rounded = Decimal(text).quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)
        if rounded == 0:
            rounded = abs(rounded)
        return mp(str(rounded)), str(rounded)

    def write(self, key: str, value):
        """Write a number, a vector (flat list) or a matrix (list of rows); return it as written."""
        if key in self.plant:
            value = self.plant[key](value)
        if self.slip is not None and self.slip[0] == key:
            value = _shifted(value, self.slip[1])
        written, text = self._rounded(value)
        self.lines.append(f"{_toml_key(key)} = {text}")
        self.written[key] = written
        return written

    def _rounded(self, value):
        if isinstance(value, list):
            parts = [self._rounded(v) for v in value]
            return [p[0] for p in parts], "[" + ", ".join(p[1] for p in parts) + "]"
        return self.number(value)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _shifted(value, amount):
    if isinstance(value, list):
        return [_shifted(value[0], amount), *value[1:]]
    return value + amount


def _toml_key(key: str) -> str:
    return ".".join(p if p.replace("_", "").isalnum() else f'"{p}"' for p in key.split("."))


def _matrix_form(rows: list[list]):
    """A matrix as the answer file takes it: a number for 1×1, a flat list for one row or column, else rows."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    if len(rows) == 1:
        return list(rows[0])
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    return [list(r) for r in rows]


def _vector_form(values: list):
    return values[0] if len(values) == 1 else list(values)


def _flat(value) -> list:
    if not isinstance(value, list):
        return [value]
    return [x for v in value for x in (v if isinstance(v, list) else [v])]


def _rows(value, rows: int, cols: int) -> list[list]:
    flat = _flat(value)
    return [flat[r * cols : (r + 1) * cols] for r in range(rows)]


# --- networks (backprop problems) ----------------------------------------------------------------


def derivative(activation: str, z: list, a: list, slope, at_zero) -> list:
    """f′ of each unit, as a student writes it: from z for the ReLUs, from the activation a otherwise."""
    if activation == "identity":
        return [mp(1)] * len(z)
    if activation == "relu":
        return [mp(1) if v > 0 else mp(0) if v < 0 else at_zero for v in z]
    if activation == "leaky_relu":
        return [mp(1) if v > 0 else slope if v < 0 else slope + (1 - slope) * at_zero for v in z]
    if activation == "sigmoid":
        return [v * (1 - v) for v in a]
    return [1 - v * v for v in a]


def activate(activation: str, z: list, slope) -> list:
    if activation == "identity":
        return list(z)
    if activation == "relu":
        return [v if v > 0 else mp(0) for v in z]
    if activation == "leaky_relu":
        return [v if v >= 0 else slope * v for v in z]
    if activation == "sigmoid":
        return [1 / (1 + mpmath.exp(-v)) for v in z]
    if activation == "tanh":
        return [mpmath.tanh(v) for v in z]
    e = [mpmath.exp(v) for v in z]
    return [v / sum(e) for v in e]


def network_student(spec: dict, notebook: Notebook, method: dict[str, str] | None = None) -> Notebook:
    """Every update of a network (``random_problem``'s spec), worked by hand into ``notebook``.

    ``method`` names a mistake of method for one key, computed the mistaken way here and carried on:
    ``update_sign_flipped``, ``learning_rate_missing``, ``learning_rate_twice``, ``stale_weight``,
    ``updated_weight_in_backward``, ``missing_activation_derivative``, ``missing_downstream_weight``,
    ``missing_input``, ``sigmoid_prime_of_z``, ``relu_prime_zero_as_one``, ``target_minus_prediction``,
    ``loss_without_half``, ``loss_without_minus``, ``sum_instead_of_mean``, ``output_error``,
    ``swapped_gradient``.
    """
    method = method or {}
    out_in = spec["layout"] == "out_in"
    L = len(spec["W"])
    slope, at_zero, eta = mp(spec["slope"]), mp(spec["h0"]), mp(spec["eta"])
    W = [[[mp(v) for v in row] for row in (list(map(list, zip(*w))) if out_in else w)] for w in spec["W"]]
    b = [[mp(v) for v in bias] for bias in spec["b"]]
    size = {"sgd": 1, "minibatch": spec["batch_size"], "batch": len(spec["samples"])}[spec["mode"]]
    samples = spec["samples"]
    batches = [samples[i : i + size] for i in range(0, len(samples), size)] * spec["epochs"]
    acts, loss = spec["activations"], spec["loss"]
    previous = None

    def weight(weights, l, i, u):
        return weights[l][u][i] if out_in else weights[l][i][u]

    for k, batch in enumerate(batches, start=1):
        grads = []
        for j, (x, y) in enumerate(batch, start=1):
            prefix = f"s{k}.sample{j}." if size > 1 else f"s{k}."
            wrong = lambda name: method.get(prefix + name)  # noqa: E731
            x, t = [mp(v) for v in x], [mp(v) for v in y]
            a_all, z_all = [x], []
            for l in range(L):
                used_W, used_b = previous if wrong(f"z{l + 1}") == "stale_weight" else (W, b)
                z = [sum(a_all[-1][i] * weight(used_W, l, i, u) for i in range(len(a_all[-1]))) + used_b[l][u]
                     for u in range(len(b[l]))]
                z = _flat(notebook.write(prefix + f"z{l + 1}", _vector_form(z)))
                key = prefix + ("yhat" if l == L - 1 else f"a{l + 1}")
                a_all.append(_flat(notebook.write(key, _vector_form(activate(acts[l], z, slope)))))
                z_all.append(z)
            p, K = a_all[-1], len(t)
            if loss == "half_mse":
                value = sum((q - v) ** 2 for q, v in zip(p, t)) / 2
                value = 2 * value if wrong("loss") == "loss_without_half" else value
            elif loss == "mse":
                value = sum((q - v) ** 2 for q, v in zip(p, t)) / K
            elif loss == "cross_entropy":
                value = -sum(v * log(q) for q, v in zip(p, t))
            else:
                value = -sum(v * log(q) + (1 - v) * log(1 - q) for q, v in zip(p, t)) / K
            if wrong("loss") == "loss_without_minus":
                value = -value
            notebook.write(prefix + "loss", value)
            error = [q - v for q, v in zip(p, t)]
            if loss == "half_mse":
                g = [2 * e for e in error] if wrong("dL_dyhat") == "loss_without_half" else list(error)
            elif loss == "mse":
                g = [2 * e / K for e in error]
            elif loss == "cross_entropy":
                g = [-v / q for q, v in zip(p, t)]
            else:
                g = [(-v / q + (1 - v) / (1 - q)) / K for q, v in zip(p, t)]
            if wrong("dL_dyhat") in ("target_minus_prediction", "loss_without_minus"):
                g = [-v for v in g]
            g = _flat(notebook.write(prefix + "dL_dyhat", _vector_form(g)))
            if loss == "cross_entropy":
                total = sum(t)
                delta = error if total == 1 else [q * total - v for q, v in zip(p, t)]
            elif loss == "binary_cross_entropy":
                delta = [e / K for e in error]
            elif acts[-1] == "softmax":
                delta = [sum(g[i] * p[i] * ((1 if i == u else 0) - p[u]) for i in range(K)) for u in range(K)]
            else:
                delta = _times(g, _slopes(wrong(f"delta{L}"), acts[-1], z_all[-1], p, slope, at_zero))
            if wrong(f"delta{L}") == "target_minus_prediction":
                delta = [-d for d in delta]
            delta = _flat(notebook.write(prefix + f"delta{L}", _vector_form(delta)))
            sample = {}
            for l in range(L - 1, -1, -1):
                a_prev = a_all[l]
                d_for_W = delta
                how = wrong(f"dL_dW{l + 1}")
                if how == "missing_input" or how == "output_error":
                    outer = [[v for v in (error if how == "output_error" else delta)]] * len(a_prev)
                    dW = [list(r) for r in zip(*outer)] if out_in else outer
                else:
                    dW = ([[d * a for a in a_prev] for d in d_for_W] if out_in
                          else [[a * d for d in d_for_W] for a in a_prev])
                shape = (len(dW), len(dW[0]))
                sample[f"dL_dW{l + 1}"] = _rows(notebook.write(prefix + f"dL_dW{l + 1}", _matrix_form(dW)), *shape)
                db = error if wrong(f"dL_db{l + 1}") == "output_error" else delta
                sample[f"dL_db{l + 1}"] = _flat(notebook.write(prefix + f"dL_db{l + 1}", _vector_form(db)))
                if l > 0:
                    how = wrong(f"dL_da{l}")
                    back = W
                    if how == "updated_weight_in_backward":
                        back = [[[w - eta * d for w, d in zip(wr, gr)] for wr, gr in zip(W[l], sample[f"dL_dW{l + 1}"])]
                                if m == l else W[m] for m in range(L)]
                    if how == "missing_downstream_weight":
                        da = list(delta)
                    elif how == "output_error":
                        da = list(error)
                    else:
                        da = [sum(delta[u] * weight(back, l, i, u) for u in range(len(delta)))
                              for i in range(len(a_prev))]
                    da = _flat(notebook.write(prefix + f"dL_da{l}", _vector_form(da)))
                    how = wrong(f"delta{l}")
                    slopes = _slopes(how, acts[l - 1], z_all[l - 1], a_all[l], slope, at_zero)
                    delta = error if how == "output_error" else _times(da, slopes)
                    delta = _flat(notebook.write(prefix + f"delta{l}", _vector_form(delta)))
            grads.append(sample)
        if size > 1:
            n = len(batch)
            losses = [notebook.written[f"s{k}.sample{j}.loss"] for j in range(1, n + 1)]
            notebook.write(f"s{k}.loss", sum(losses) / n)
            mean = {}
            for l in range(L - 1, -1, -1):
                for name in (f"dL_dW{l + 1}", f"dL_db{l + 1}"):
                    parts = [_flat(g[name]) for g in grads]
                    total = [sum(c) for c in zip(*parts)]
                    scale = 1 if method.get(f"s{k}.{name}") == "sum_instead_of_mean" else n
                    value = [v / scale for v in total]
                    if name.startswith("dL_dW"):
                        rows, cols = len(grads[0][name]), len(grads[0][name][0])
                        mean[name] = _rows(notebook.write(f"s{k}.{name}", _matrix_form(_rows(value, rows, cols))),
                                           rows, cols)
                    else:
                        mean[name] = _flat(notebook.write(f"s{k}.{name}", _vector_form(value)))
            grads = [mean]
        last = ([[row[:] for row in w] for w in W], [v[:] for v in b])
        for l in range(L):
            gW, gb = grads[0][f"dL_dW{l + 1}"], grads[0][f"dL_db{l + 1}"]
            for name, old, grad in ((f"W{l + 1}", W[l], gW), (f"b{l + 1}", [b[l]], [gb])):
                how = method.get(f"s{k}.{name}")
                rate, sign = {"learning_rate_missing": (1, 1), "learning_rate_twice": (eta * eta, 1),
                              "update_sign_flipped": (eta, -1)}.get(how, (eta, 1))
                if how == "output_error":  # ŷ − y in place of the gradient (a network with one output)
                    grad = [[error[0]] * len(old[0]) for _ in old]
                elif how == "swapped_gradient":  # the other parameter's of this layer (1 × 1 layers)
                    grad = [gb] if name[0] == "W" else gW
                new = [[w - sign * rate * d for w, d in zip(wr, gr)] for wr, gr in zip(old, grad)]
                rows, cols = len(new), len(new[0])
                written = _rows(notebook.write(f"s{k}.{name}", _matrix_form(new) if name[0] == "W"
                                               else _vector_form(new[0])), rows, cols)
                if name[0] == "W":
                    W[l] = written
                else:
                    b[l] = written[0]
        previous = last
    return notebook


def _times(u: list, v: list) -> list:
    return [x * y for x, y in zip(u, v)]


def _slopes(how, activation, z, a, slope, at_zero) -> list:
    """f′ as written, or the mistaken f′ of ``how``."""
    if how == "missing_activation_derivative":
        return [mp(1)] * len(z)
    if how == "sigmoid_prime_of_z":
        return [v * (1 - v) for v in z]
    if how == "relu_prime_zero_as_one":
        return derivative(activation, z, a, slope, mp(1))
    return derivative(activation, z, a, slope, at_zero)


# --- softmax and cross-entropy -----------------------------------------------------------------------


def softmax_student(z: list, y: list, notebook: Notebook, method: dict[str, str] | None = None) -> Notebook:
    """``softmax-ce`` by hand: p, L, the Jacobian, ∂L/∂p, ∂L/∂z through the Jacobian and as p − y.

    ``method``: ``loss_without_minus``, ``log_base_10`` (the loss); ``diagonal_jacobian``,
    ``sign_flipped``, ``jacobian_cases_swapped`` (a Jacobian entry); ``loss_without_minus`` (∂L/∂p);
    ``diagonal_jacobian`` (∂L/∂z either way); ``target_minus_prediction`` (``dL_dz<k>``).
    """
    method = method or {}
    K = len(z)
    e = [mpmath.exp(mp(v)) for v in z]
    p = [notebook.write(f"p{i + 1}", v / sum(e)) for i, v in enumerate(e)]
    t = [mp(v) for v in y]
    base = {"log_base_10": mpmath.log10}.get(method.get("loss"), log)
    loss = -sum(v * base(q) for q, v in zip(p, t))
    notebook.write("loss", -loss if method.get("loss") == "loss_without_minus" else loss)
    J = [[None] * K for _ in range(K)]
    for i in range(K):
        for j in range(K):
            how = method.get(f"dp{i + 1}_dz{j + 1}")
            if i == j:
                value = -p[i] ** 2 if how == "jacobian_cases_swapped" else p[i] * (1 - p[i])
            else:
                value = {"diagonal_jacobian": mp(0), "sign_flipped": p[i] * p[j],
                         "jacobian_cases_swapped": p[i] * (1 - p[j])}.get(how, -p[i] * p[j])
            J[i][j] = notebook.write(f"dp{i + 1}_dz{j + 1}", value)
    g = []
    for i in range(K):
        value = -t[i] / p[i]
        g.append(notebook.write(f"dL_dp{i + 1}", -value if method.get(f"dL_dp{i + 1}") == "loss_without_minus" else value))
    for k in range(K):
        terms = [g[i] * J[i][k] for i in range(K)]
        value = terms[k] if method.get(f"jacobian.dL_dz{k + 1}") == "diagonal_jacobian" else sum(terms)
        notebook.write(f"jacobian.dL_dz{k + 1}", value)
    for k in range(K):
        how = method.get(f"dL_dz{k + 1}")
        value = {"target_minus_prediction": t[k] - p[k], "diagonal_jacobian": -t[k] * (1 - p[k])}.get(how, p[k] - t[k])
        notebook.write(f"dL_dz{k + 1}", value)
    return notebook


def softmax_network_student(problem: dict, notebook: Notebook, method: dict[str, str] | None = None) -> Notebook:
    """``net-2232-softmax`` by hand, unit by unit: sigmoid hidden layers, softmax output, cross-entropy.

    ``problem`` is the parsed problem file.  ``method``: ``missing_activation_derivative`` or
    ``sigmoid_prime_of_z`` (a hidden ∂L/∂z), ``missing_path`` (a hidden ∂L/∂O without its first term),
    ``missing_downstream_weight`` (a hidden ∂L/∂O), ``missing_input`` (a ∂L/∂w),
    ``target_minus_prediction`` (an output ∂L/∂z), ``loss_without_minus``, ``log_base_10`` (the loss).
    """
    method = method or {}
    sizes = problem["network"]["layers"]
    L = len(sizes) - 1
    par = problem["parameters"]
    W = {l: [[mp(Fraction(str(v))) for v in row] for row in par[f"W{l}"]] for l in range(1, L + 1)}
    b = {l: [mp(Fraction(str(v))) for v in par[f"b{l}"]] for l in range(1, L + 1)}
    out = {0: [mp(Fraction(str(v))) for v in problem["sample"]["x"]]}
    t = [mp(Fraction(str(v))) for v in problem["sample"]["y"]]
    z = {}
    for l in range(1, L + 1):
        z[l] = [notebook.write(f"z{l}_{j + 1}", sum(W[l][i][j] * out[l - 1][i] for i in range(sizes[l - 1])) + b[l][j])
                for j in range(sizes[l])]
        if l < L:
            out[l] = [notebook.write(f"O{l}_{j + 1}", 1 / (1 + mpmath.exp(-v))) for j, v in enumerate(z[l])]
        else:
            e = [mpmath.exp(v) for v in z[l]]
            out[l] = [notebook.write(f"p{j + 1}", v / sum(e)) for j, v in enumerate(e)]
    p = out[L]
    loss = -sum(v * ({"log_base_10": mpmath.log10}.get(method.get("loss"), log))(q) for q, v in zip(p, t))
    notebook.write("loss", -loss if method.get("loss") == "loss_without_minus" else loss)
    dz = [notebook.write(f"dL_dz{L}_{m + 1}", (t[m] - p[m]) if method.get(f"dL_dz{L}_{m + 1}") ==
                         "target_minus_prediction" else p[m] - t[m]) for m in range(sizes[L])]
    _parameter_gradients(notebook, method, L, sizes, out, dz)
    for l in range(L - 1, 0, -1):
        dO = []
        for j in range(sizes[l]):
            how = method.get(f"dL_dO{l}_{j + 1}")
            terms = [dz[m] * (1 if how == "missing_downstream_weight" else W[l + 1][j][m]) for m in range(sizes[l + 1])]
            dO.append(notebook.write(f"dL_dO{l}_{j + 1}", sum(terms[1:]) if how == "missing_path" else sum(terms)))
        dz = []
        for j in range(sizes[l]):
            how, o, zj = method.get(f"dL_dz{l}_{j + 1}"), out[l][j], z[l][j]
            slope = {"missing_activation_derivative": 1, "sigmoid_prime_of_z": zj * (1 - zj)}.get(how, o * (1 - o))
            dz.append(notebook.write(f"dL_dz{l}_{j + 1}", dO[j] * slope))
        _parameter_gradients(notebook, method, l, sizes, out, dz)
    return notebook


def _parameter_gradients(notebook: Notebook, method: dict, l: int, sizes: list, out: dict, dz: list) -> None:
    for i in range(sizes[l - 1]):
        for j in range(sizes[l]):
            key = f"dL_dw{l}_{i + 1}{j + 1}"
            notebook.write(key, dz[j] if method.get(key) == "missing_input" else dz[j] * out[l - 1][i])
    for j in range(sizes[l]):
        notebook.write(f"dL_db{l}_{j + 1}", dz[j])


# --- computational graphs ---------------------------------------------------------------------------


def _matmul(A: list, B: list) -> list:
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))] for i in range(len(A))]


def _column(values) -> list:
    return [[v] for v in values]


def skip_graph_student(problem: dict, notebook: Notebook, method: dict[str, str] | None = None) -> Notebook:
    """``graph-skip`` and ``graph-skip-scalar`` by hand: z = W₁x, h = σ(z), y = W₂h + x, S = ½‖y − s‖²,
    R = rᵀh, E = S + R; every local derivative, the three paths to x and their sum.

    ``method``: ``loss_without_half`` (S, or ∂S/∂y), ``target_minus_prediction`` (∂S/∂y as s − y),
    ``sigmoid_prime_of_z`` (∂h/∂z), ``missing_path`` (∂E/∂x without path 2).
    """
    method = method or {}
    inputs = problem["inputs"]
    scalar = "w1" in inputs

    def given(name):
        value = inputs[name]
        if isinstance(value, list):
            if isinstance(value[0], list):
                return [[mp(Fraction(str(v))) for v in row] for row in value]
            return _column([mp(Fraction(str(v))) for v in value])
        return [[mp(Fraction(str(value)))]]

    x, s, r = given("x"), given("s"), given("r")
    W1, W2 = (given("w1"), given("w2")) if scalar else (given("W1"), given("W2"))

    def write(key, rows):
        """A quantity as rows; written as the answer file takes it, returned as rows again."""
        written = notebook.write(key, _matrix_form(rows))
        return _rows(written, len(rows), len(rows[0]))

    z = write("z", _matmul(W1, x))
    h = write("h", [[1 / (1 + mpmath.exp(-v[0]))] for v in z])
    y = write("y", [[a[0] + c[0]] for a, c in zip(_matmul(W2, h), x)])
    diff = [a[0] - c[0] for a, c in zip(y, s)]
    S_value = sum(d * d for d in diff) * (1 if method.get("S") == "loss_without_half" else mpmath.mpf(1) / 2)
    S = write("S", [[S_value]])
    R = write("R", _matmul([[v[0] for v in r]], h))
    write("E", [[S[0][0] + R[0][0]]])
    local = {}
    local["dz_dx"] = write("local.dz_dx", W1)
    n = len(h)
    slopes = [v[0] * (1 - v[0]) for v in (z if method.get("local.dh_dz") == "sigmoid_prime_of_z" else h)]
    local["dh_dz"] = write("local.dh_dz", [[slopes[i] if i == j else mp(0) for j in range(n)] for i in range(n)])
    local["dy_dx"] = write("local.dy_dx", [[mp(int(i == j)) for j in range(len(x))] for i in range(len(x))])
    local["dy_dh"] = write("local.dy_dh", W2)
    how = method.get("local.dS_dy")
    factor = {"loss_without_half": 2, "target_minus_prediction": -1}.get(how, 1)
    local["dS_dy"] = write("local.dS_dy", [[factor * d for d in diff]])
    local["dR_dh"] = write("local.dR_dh", [[v[0] for v in r]])
    local["dE_dS"] = write("local.dE_dS", [[mp(1)]])
    local["dE_dR"] = write("local.dE_dR", [[mp(1)]])
    chains = [["dE_dS", "dS_dy", "dy_dx"], ["dE_dR", "dR_dh", "dh_dz", "dz_dx"],
              ["dE_dS", "dS_dy", "dy_dh", "dh_dz", "dz_dx"]]
    paths = []
    for k, chain in enumerate(chains, start=1):
        product = local[chain[0]]
        for edge in chain[1:]:
            product = _matmul(product, local[edge])
        paths.append(write(f"path{k}.dE_dx", product))
    kept = [p for k, p in enumerate(paths, start=1) if not (k == 2 and method.get("dE_dx") == "missing_path")]
    total = [sum(p[0][j] for p in kept) for j in range(len(paths[0][0]))]
    write("dE_dx", _column(total))
    return notebook


# --- support vector machines --------------------------------------------------------------------------


def svm_student(problem: dict, w: list, b, notebook: Notebook, support: set[str],
                method: dict[str, str] | None = None, free: set[str] | None = None,
                bounded: set[str] | None = None) -> Notebook:
    """An SVM's w, b (known), and from the numbers written: ‖w‖, margin, width, the hyperplane, f, yf (and ξ),
    the support vectors (known: ``support``, ``free``, ``bounded``) and each query's class.

    ``method``: ``scaled_hyperplane`` or ``hyperplane_flipped`` (w and b at another scale), ``margin_as_width``,
    ``width_as_margin``, ``missing_bias`` or ``hyperplane_flipped`` (an f), ``missing_support_vector`` or
    ``extra_support_vector`` (the set).
    """
    method = method or {}
    scale = {"scaled_hyperplane": 2, "hyperplane_flipped": -1}.get(method.get("w"), 1)
    w = notebook.write("w", [mp(v) * scale for v in w])
    w = w if isinstance(w, list) else [w]
    b = notebook.write("b", mp(b) * scale)
    norm = notebook.write("norm_w", mpmath.sqrt(sum(v * v for v in w)))
    notebook.write("margin", (2 if method.get("margin") == "margin_as_width" else 1) / norm)
    notebook.write("width", (1 if method.get("width") == "width_as_margin" else 2) / norm)
    terms = " ".join(f"{'+' if c >= 0 else '-'} {abs(c)}*x{k + 1}" for k, c in enumerate(
        notebook.number(v)[0] for v in w)).lstrip("+ ")
    notebook.lines.append(f'hyperplane = "{terms} {"+" if b >= 0 else "-"} {abs(b)} = 0"')
    points = {p["name"]: p for p in problem["points"]}
    f = {}
    for name, point in points.items():
        bare = sum(mp(Fraction(str(c))) * v for c, v in zip(_coordinates(point), w))
        how = method.get(f"f.{name}")
        value = bare if how == "missing_bias" else -(bare + b) if how == "hyperplane_flipped" else bare + b
        f[name] = notebook.write(f"f.{name}", value)
    for name, point in points.items():
        margin = notebook.write(f"yf.{name}", int(point["y"]) * f[name])
        if "C" in problem:
            notebook.write(f"xi.{name}", max(mp(0), 1 - margin))
    names = sorted(support)
    if method.get("support_vectors") == "missing_support_vector":
        names = names[1:]
    elif method.get("support_vectors") == "extra_support_vector":
        names = sorted(support | {next(n for n in points if n not in support)})
    notebook.lines.append(f"support_vectors = {names!r}".replace("'", '"'))
    notebook.written["support_vectors"] = names
    for key, members in (("free_support_vectors", free), ("bounded_support_vectors", bounded)):
        if members is not None:
            notebook.lines.append(f"{key} = {sorted(members)!r}".replace("'", '"'))
            notebook.written[key] = sorted(members)
    for query in problem.get("queries", []):
        name = query["name"]
        value = sum(mp(Fraction(str(c))) * v for c, v in zip(_coordinates(query), w)) + b
        written = notebook.write(f"f.{name}", value)
        notebook.lines.append(f'class.{name} = "{"positive" if written > 0 else "negative"}"')
    return notebook


def _coordinates(point: dict) -> list:
    x = point["x"]
    return x if isinstance(x, list) else [x]
