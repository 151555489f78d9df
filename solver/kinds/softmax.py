"""Softmax and cross-entropy: the gradient with respect to the logits, alone or inside a network.

A problem file gives one of two tables.  ``[softmax]`` gives logits z and labels y: the
derivation computes p = softmax(z) and L = −Σ yₖ log pₖ, derives the Jacobian
∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ), takes ∂L/∂z through it, and then simplifies it to p − y, showing the two
routes agree.  ``[network]`` gives a small network with sigmoid hidden layers and a softmax
output: the backward pass is written unit by unit, as a course writes it, each hidden unit's
∂L/∂O a sum over the units it feeds.  Every step also carries its value written out in the
givens (``symbolic``), so an answer given as a formula can be compared with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import S

from solver.derivation import mistakes as variants
from solver.derivation.builder import Builder
from solver.derivation.figure import Figure
from solver.derivation.model import GRADIENT, HAND_WORKED, Derivation, Math, Quantity, Step, Value, distinct
from solver.kinds import COMMON_KEYS
from solver.kinds.fully_connected_figure import network_picture
from solver.maths import functions as fn
from solver.maths.display import difference, minus, product_of, quotient, sum_of
from solver.maths.notation import Notation, name, partial, subscript, superscript
from solver.reading.problem_file import Doc

MAX_CLASSES = 9
MAX_LOGIT = 1000
MAX_HIDDEN_LAYERS = 4
MAX_UNITS = 9

#: Two routes "agree" when they differ by less than this (both carry 60 significant digits).
AGREEMENT = sympy.Rational(1, 10**50)


# --- reading the problem file ------------------------------------------------------------------


def _vector(doc: Doc, key: str, length: int | None, what: str) -> list[sympy.Basic]:
    """A flat list of exact numbers (a single number is a list of one)."""
    values = doc.numbers(key)
    if not isinstance(values, list):
        values = [values]
    if any(isinstance(v, list) for v in values):
        raise doc.error(f"expected a flat list of numbers ({what})", key)
    if length is not None and len(values) != length:
        raise doc.error(f"expected {length} numbers ({what}), got {len(values)}", key)
    return values


def _labels(doc: Doc, key: str, length: int | None) -> list[sympy.Basic]:
    labels = _vector(doc, key, length, "one label per class")
    if any(v < 0 for v in labels):
        raise doc.error("labels of a cross-entropy loss must not be negative", key)
    return labels


@dataclass(frozen=True)
class Logits:
    """A ``[softmax]`` problem: logits and labels, exact."""

    z: tuple[sympy.Basic, ...]
    y: tuple[sympy.Basic, ...]


def read_logits(doc: Doc) -> Logits:
    """The logits and labels of a ``[softmax]`` problem file."""
    doc.only_keys([*COMMON_KEYS, "softmax"])
    table = doc.table("softmax")
    table.only_keys(["z", "y"])
    z = _vector(table, "z", None, "the logits")
    if not 2 <= len(z) <= MAX_CLASSES:
        raise table.error(f"expected 2 to {MAX_CLASSES} logits, got {len(z)}", "z")
    if any(abs(v) > MAX_LOGIT for v in z):
        raise table.error(f"logits must lie between −{MAX_LOGIT} and {MAX_LOGIT}", "z")
    return Logits(tuple(z), tuple(_labels(table, "y", len(z))))


@dataclass(frozen=True)
class Network:
    """A ``[network]`` problem: layer sizes, exact parameters (``W[l][i][j]`` from unit i to unit j), one sample."""

    sizes: tuple[int, ...]
    weights: tuple[list[list[sympy.Basic]], ...]
    biases: tuple[list[sympy.Basic], ...]
    x: tuple[sympy.Basic, ...]
    y: tuple[sympy.Basic, ...]

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1


def read_network(doc: Doc) -> Network:
    """The network, its parameters and its sample from a ``[network]`` problem file."""
    doc.only_keys([*COMMON_KEYS, "network", "parameters", "sample"])
    network = doc.table("network")
    network.only_keys(["layers", "hidden"])
    network.text("hidden", "sigmoid", choices=["sigmoid"])
    sizes = network.raw("layers")
    if not isinstance(sizes, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
        raise network.error("expected an array of layer sizes, inputs first, e.g. [2, 2, 3, 2]", "layers")
    if not 3 <= len(sizes) <= MAX_HIDDEN_LAYERS + 2:
        raise network.error(f"expected 3 to {MAX_HIDDEN_LAYERS + 2} layer sizes (inputs, hidden layers, outputs)",
                            "layers")
    if not all(1 <= s <= MAX_UNITS for s in sizes):
        raise network.error(f"every layer needs 1 to {MAX_UNITS} units", "layers")
    if sizes[-1] < 2:
        raise network.error("a softmax output needs at least two units", "layers")

    parameters = doc.table("parameters")
    depth = len(sizes) - 1
    parameters.only_keys([f"{p}{l}" for l in range(1, depth + 1) for p in ("W", "b")])
    weights, biases = [], []
    for l in range(1, depth + 1):
        weights.append(parameters.matrix(f"W{l}", (sizes[l - 1], sizes[l]),
                               f"{sizes[l - 1]} inputs × {sizes[l]} units, W[i,j] from input i to unit j").tolist())
        biases.append(_vector(parameters, f"b{l}", sizes[l], f"one per unit of layer {l}"))

    sample = doc.table("sample")
    sample.only_keys(["x", "y"])
    x = _vector(sample, "x", sizes[0], "one per input")
    y = _labels(sample, "y", sizes[-1])
    return Network(tuple(sizes), tuple(weights), tuple(biases), tuple(x), tuple(y))


# --- notation ------------------------------------------------------------------------------------


def layered(letter: str, layer: int, index: str) -> Notation:
    """A quantity of one layer: w⁽¹⁾₁₂ (plain ``w1_12``), O⁽²⁾₃ (plain ``O2_3``)."""
    return Notation(
        f"{letter}{superscript(f'({layer})')}{subscript(index)}",
        f"{letter}^{{({layer})}}_{{{index}}}",
        f"{letter}{layer}_{index}",
    )


def _indexed(letter: str, index: str, latex_letter: str | None = None) -> Notation:
    """A generic element for the derivation's notes: pᵢ, δᵢⱼ."""
    return Notation(f"{letter}{subscript(index)}", f"{latex_letter or letter}_{{{index}}}", f"{letter}_{index}")


# --- steps shared by both problem shapes ---------------------------------------------------------


def _e(x: sympy.Basic) -> sympy.Basic:
    """e^x, as written."""
    return sympy.exp(x, evaluate=False)


def softmax_steps(b: Builder, logits: list[Quantity], notation, key) -> list[Step]:
    """pₘ = e^{zₘ}/Σⱼ e^{zⱼ} for every class m (1-based ``notation(m)`` and ``key(m)``)."""
    exps = [_e(z.symbol) for z in logits]
    total = sum_of(exps)
    cells_total = sum(sympy.exp(z.symbol) for z in logits)
    return [b.step(key(m), notation(m), quotient(e, total), sympy.exp(z.symbol) / cells_total,
                   tags=[distinct("softmax")])
            for m, (z, e) in enumerate(zip(logits, exps), start=1)]


def loss_step(b: Builder, p: list[Quantity], y: list[Quantity]) -> Step:
    """L = −Σₖ yₖ log pₖ, with its minus sign lost and the base-10 slip as mistakes."""
    terms = [product_of([t.symbol, sympy.log(q.symbol, evaluate=False)]) for q, t in zip(p, y)]
    cells = -sum(t.symbol * sympy.log(q.symbol) for q, t in zip(p, y))
    return b.step("loss", name("L"), minus(sum_of(terms)), cells, mistakes=variants.cross_entropy_loss(cells))


def logit_gradients(b: Builder, p: list[Quantity], y: list[Quantity], key, notation) -> list[Step]:
    """∂L/∂zₖ = pₖ − yₖ, or pₖ·Σy − yₖ when the labels do not sum to 1, with its common mistakes."""
    total = sum(t.values[0].exact for t in y)
    sum_y = sum_of([t.symbol for t in y])
    steps = []
    for k, (q, t) in enumerate(zip(p, y), start=1):
        if total == 1:
            formula, cells = difference(q.symbol, t.symbol), q.symbol - t.symbol
        else:
            formula = difference(product_of([q.symbol, sum_y]), t.symbol)
            cells = q.symbol * sum(v.symbol for v in y) - t.symbol
        mistakes = variants.softmax_cross_entropy_gradient(q.symbol, t.symbol, cells, total == 1)
        steps.append(b.step(key(k), notation(k), formula, cells, mistakes=mistakes, tags=[GRADIENT]))
    return steps


def _labels_note(b: Builder, y: list[Quantity]) -> None:
    total = sum(t.values[0].exact for t in y)
    if total != 1:
        b.note(
            "The labels sum to ", Math(total), ", not 1: the shortcut $∂L/∂z = p − y$ does not hold here, and ",
            "$∂L/∂z = p·Σy − y$ instead (the Jacobian route gives this in general).",
        )


# --- [softmax]: the logits alone ----------------------------------------------------------------


class _Generic:
    """Display-only symbols for the general derivation in the notes: pᵢ, zⱼ, δᵢⱼ, ∂pᵢ/∂zⱼ, Σₖ."""

    def __init__(self, b: Builder, classes: int | sympy.Basic) -> None:
        self.b = b
        self.classes = classes
        self._notations: dict[sympy.Symbol, Notation] = {}

    def __call__(self, letter: str, index: str = "", latex: str | None = None) -> sympy.Symbol:
        """A generic element: ``g("p", "i")`` is pᵢ, ``g("delta", "ij", r"\\delta")`` is δᵢⱼ."""
        text = {"delta": "δ", "sigma": "σ"}.get(letter, letter)
        notation = _indexed(text, index, latex) if index else Notation(text, latex or text, letter)
        symbol = self.b.display_symbol(f"{letter}_{index}", notation)
        self._notations[symbol] = notation
        return symbol

    def partial(self, of: sympy.Symbol, wrt: sympy.Symbol) -> sympy.Symbol:
        """∂of/∂wrt as one symbol."""
        notation = partial(self._notations[of], self._notations[wrt])
        symbol = self.b.display_symbol(f"d{of.name}_d{wrt.name}", notation)
        self._notations[symbol] = notation
        return symbol

    def sum_over(self, index: str, body: sympy.Basic) -> sympy.Basic:
        """Σ over ``index`` from 1 to the number of classes."""
        return sympy.Sum(body, (self(index), 1, self.classes))


def _jacobian_notes(g: _Generic) -> None:
    p, z, delta = (lambda i: g("p", i)), (lambda i: g("z", i)), g("delta", "ij", r"\delta")
    total = g.sum_over("k", _e(z("k")))
    quotient_rule = quotient(
        difference(product_of([delta, _e(z("i")), total]), product_of([_e(z("i")), _e(z("j"))])),
        sympy.Pow(total, 2, evaluate=False),
    )
    g.b.note(
        "By the quotient rule, with $p = e^z/Σ$: ", Math(g.partial(p("i"), z("j"))), "$ = $", Math(quotient_rule), "$ = $",
        Math(product_of([p("i"), difference(delta, p("j"))])), ", where ", Math(delta),
        " is 1 when $i = j$ and 0 otherwise.",
    )
    g.b.note(
        "So the diagonal ($i = j$) holds ", Math(product_of([p("i"), difference(S.One, p("i"))])),
        ", and every entry off it ($i ≠ j$) holds ", Math(minus(product_of([p("i"), p("j")]))),
        ": each $pᵢ$ depends on every logit, not only its own.",
    )


def _simplified(g: _Generic, k: str) -> tuple[sympy.Basic, sympy.Basic, sympy.Basic]:
    """Σᵢ (−yᵢ/pᵢ)·pᵢ(δᵢₖ − pₖ), then −yₖ + pₖ·Σᵢ yᵢ, then pₖ − yₖ: ∂L/∂zₖ simplified in general."""
    p, y = (lambda i: g("p", i)), (lambda i: g("y", i))
    delta = g("delta", f"i{k}", r"\delta")
    written = g.sum_over("i", product_of([minus(quotient(y("i"), p("i"))), p("i"), difference(delta, p(k))]))
    collected = sum_of([minus(y(k)), product_of([p(k), g.sum_over("i", y("i"))])])
    return written, collected, difference(p(k), y(k))


def _jacobian(b: Builder, p: list[Step]) -> list[list[Step]]:
    """∂pᵢ/∂zⱼ for every i and j, each with its common mistakes."""
    rows = []
    for i, pi in enumerate(p, start=1):
        row = []
        for j, pj in enumerate(p, start=1):
            key, notation = f"dp{i}_dz{j}", partial(name("p", i), name("z", j))
            if i == j:
                formula = product_of([pi.symbol, difference(S.One, pi.symbol)])
                cells = pi.symbol * (1 - pi.symbol)
            else:
                formula = minus(product_of([pi.symbol, pj.symbol]))
                cells = -pi.symbol * pj.symbol
            mistakes = variants.softmax_jacobian_entry(pi.symbol, pj.symbol, i == j)
            row.append(b.step(key, notation, formula, cells, mistakes=mistakes))
        rows.append(row)
    classes = len(p)
    b.table("The Jacobian ∂p/∂z (row i, column j)", ["", *(f"$∂/∂z{subscript(str(j))}$" for j in range(1, classes + 1))],
            [(Math(pi.symbol), *(Value(step) for step in row)) for pi, row in zip(p, rows)])
    return rows


def _through_jacobian(b: Builder, p: list[Step], y: list[Quantity], jac: list[list[Step]]) -> list[Step]:
    """∂L/∂pᵢ = −yᵢ/pᵢ, then ∂L/∂zₖ = Σᵢ ∂L/∂pᵢ·∂pᵢ/∂zₖ."""
    dL_dp = []
    for i, (q, t) in enumerate(zip(p, y), start=1):
        cells = -t.symbol / q.symbol
        dL_dp.append(b.step(f"dL_dp{i}", partial(name("L"), name("p", i)), minus(quotient(t.symbol, q.symbol)),
                            cells, mistakes=variants.cross_entropy_gradient(cells)))
    routes = []
    for k in range(len(p)):
        terms = [(g, jac[i][k]) for i, g in enumerate(dL_dp)]
        only_diagonal = variants.through_softmax_jacobian(dL_dp[k].symbol * jac[k][k].symbol)
        routes.append(b.step(f"jacobian.dL_dz{k + 1}", partial(name("L"), name("z", k + 1)),
                             sum_of([product_of([g.symbol, d.symbol]) for g, d in terms]),
                             sum(g.symbol * d.symbol for g, d in terms), mistakes=only_diagonal,
                             tags=[GRADIENT]))
    return routes


def _shortcut_note(g: _Generic, labels_sum_to_one: bool) -> None:
    dL_dz = g.partial(g("L"), g("z", "k"))
    chain = g.sum_over("i", product_of([g.partial(g("L"), g("p", "i")), g.partial(g("p", "i"), g("z", "k"))]))
    written, collected, shortcut = _simplified(g, "k")
    fragments = ["Putting $∂L/∂pᵢ = −yᵢ/pᵢ$ into the Jacobian route: ", Math(dL_dz), "$ = $", Math(chain), "$ = $",
                 Math(written), "$ = $", Math(collected)]
    if labels_sum_to_one:
        fragments += ["$ = $", Math(shortcut), ", since the labels sum to 1."]
    else:
        fragments += [", which is not p − y: these labels do not sum to 1."]
    g.b.note(*fragments)


def _agreement(b: Builder, routes: list[Step], shortcut: list[Step]) -> None:
    rows = []
    for k, (via, short) in enumerate(zip(routes, shortcut), start=1):
        gap = abs(via.values[0].approx - short.values[0].approx)
        if gap > AGREEMENT * max(1, abs(short.values[0].approx)):
            raise AssertionError(f"the two routes to dL_dz{k} differ by {gap}")
        rows.append((Math(short.symbol), Value(via), Value(short)))
    b.table("Both routes to ∂L/∂z", ["", "through the Jacobian", "simplified"], rows)
    b.note("The two routes agree in every entry to 50 digits (both are carried to 60 significant digits).")


def build_logits(doc: Doc, problem: str, decimals: int) -> Derivation:
    """The derivation of a ``[softmax]`` problem: softmax, loss, Jacobian, both routes to ∂L/∂z."""
    problem_data = read_logits(doc)
    classes = len(problem_data.z)
    b = Builder(symbolic=True)
    b.tag_following(HAND_WORKED)  # one computation, worked by hand throughout
    b.section("Given")
    z = [b.given(f"z{i}", name("z", i), v) for i, v in enumerate(problem_data.z, start=1)]
    y = [b.given(f"y{i}", name("y", i), v) for i, v in enumerate(problem_data.y, start=1)]
    _labels_note(b, y)
    g = _Generic(b, classes)

    b.section("Softmax")
    p = softmax_steps(b, z, lambda m: name("p", m), lambda m: f"p{m}")
    b.section("Cross-entropy loss")
    loss_step(b, p, y)
    b.section("The Jacobian of the softmax, in general")
    _jacobian_notes(g)
    b.section("The Jacobian at these logits")
    jac = _jacobian(b, p)
    b.section("∂L/∂z through the Jacobian", "through the Jacobian")
    routes = _through_jacobian(b, p, y, jac)
    one = sum(problem_data.y) == 1
    b.section("Simplifying ∂L/∂z, in general")
    _shortcut_note(g, one)
    b.section("∂L/∂z simplified: p − y" if one else "∂L/∂z simplified: p·Σy − y", "simplified")
    shortcut = logit_gradients(b, p, y, lambda k: f"dL_dz{k}", lambda k: partial(name("L"), name("z", k)))
    _agreement(b, routes, shortcut)
    description = (f"Softmax over $K = {classes}$ logits and the cross-entropy loss $L = −Σ yₖ log pₖ$; "
                   "the gradient $∂L/∂z$ through the softmax Jacobian, then simplified.",)
    return b.build(problem=problem, kind="softmax", title=doc.text("title"), decimals=decimals,
                   description=description)


# --- [network]: the backward pass unit by unit ------------------------------------------------


class _NetworkWriter:
    """Writes the forward and backward pass of one sample, one step per unit."""

    def __init__(self, net: Network, b: Builder) -> None:
        self.net = net
        self.b = b
        self.L = net.depth

    def givens(self) -> None:
        b, net = self.b, self.net
        b.section("Given")
        self.x = [b.given(f"x{i}", name("x", i), v) for i, v in enumerate(net.x, start=1)]
        self.y = [b.given(f"y{m}", name("y", m), v) for m, v in enumerate(net.y, start=1)]
        _labels_note(b, self.y)
        self.w, self.bias = {}, {}
        for l in range(1, self.L + 1):
            self.w[l] = [[b.given(f"w{l}_{i}{j}", layered("w", l, f"{i}{j}"), v)
                          for j, v in enumerate(row, start=1)]
                         for i, row in enumerate(net.weights[l - 1], start=1)]
            self.bias[l] = [b.given(f"b{l}_{j}", layered("b", l, str(j)), v)
                            for j, v in enumerate(net.biases[l - 1], start=1)]
        b.figure(self._picture())

    def _picture(self) -> Figure:
        """The network with its weights on the edges and biases under the units."""
        L, sizes = self.L, self.net.sizes
        units = [[name("x", i).text for i in range(1, sizes[0] + 1)]]
        units += [[layered("O", l, str(j)).text for j in range(1, sizes[l] + 1)] for l in range(1, L)]
        units.append([name("p", m).text for m in range(1, sizes[L] + 1)])
        weights = [[[w.values[0] for w in row] for row in self.w[l]] for l in range(1, L + 1)]
        biases = [[bias.values[0] for bias in self.bias[l]] for l in range(1, L + 1)]
        titles = ["input", *(f"layer {l} · σ" for l in range(1, L)), "output · softmax"]
        return network_picture("network", "The network: each weight on its edge, each bias under its unit.",
                               titles, units, weights, biases)

    def forward(self) -> None:
        b = self.b
        self.outputs = {0: self.x}
        self.z = {}
        for l in range(1, self.L + 1):
            last = l == self.L
            b.section(f"Forward pass · layer {l} ({'softmax output' if last else 'sigmoid'})")
            inputs = self.outputs[l - 1]
            zs = []
            for j, bias in enumerate(self.bias[l], start=1):
                weights = [row[j - 1] for row in self.w[l]]
                formula = sum_of([product_of([w.symbol, o.symbol]) for w, o in zip(weights, inputs)] + [bias.symbol])
                cells = sum(w.symbol * o.symbol for w, o in zip(weights, inputs)) + bias.symbol
                zs.append(b.step(f"z{l}_{j}", layered("z", l, str(j)), formula, cells))
            self.z[l] = zs
            if last:
                self.outputs[l] = softmax_steps(b, zs, lambda m: name("p", m), lambda m: f"p{m}")
            else:
                self.outputs[l] = [b.step(f"O{l}_{j}", layered("O", l, str(j)), fn.sigmoid(z.symbol, evaluate=False),
                                          fn.sigmoid(z.symbol)) for j, z in enumerate(zs, start=1)]
        loss_step(b, self.outputs[self.L], self.y)

    def backward(self) -> None:
        b, L = self.b, self.L
        b.section("Backward pass · the chain rule, in general")
        self._rules_notes()
        b.section("Backward pass · output layer")
        dz = logit_gradients(b, self.outputs[L], self.y, lambda m: f"dL_dz{L}_{m}",
                             lambda m: partial(name("L"), layered("z", L, str(m))))
        self._parameter_gradients(L, dz)
        for l in range(L - 1, 0, -1):
            b.section(f"Backward pass · hidden layer {l}")
            dO = self._output_gradients(l, dz)
            dz = self._preactivation_gradients(l, dO)
            self._parameter_gradients(l, dz)

    def _rules_notes(self) -> None:
        """The chain rule of the backward pass in general, before it is applied unit by unit."""
        g = _Generic(self.b, self.net.sizes[-1])
        written, collected, shortcut = _simplified(g, "m")
        self.b.note("At the output, through the softmax Jacobian: ", Math(g.partial(g("L"), g("z", "m"))), "$ = $",
                    Math(written), "$ = $", Math(collected), ", which is ", Math(shortcut),
                    " when the labels sum to 1 (a [softmax] problem shows every step).")
        units = _Generic(self.b, g("n"))
        out, z, z_next = units("O", "j"), units("z", "j"), units("z", "m")
        loss = units("L")
        sigma = fn.sigmoid(z, evaluate=False)
        feeds = units.sum_over("m", product_of([units.partial(loss, z_next), units("w", "jm")]))
        self.b.note(
            "In a hidden layer, unit j's output feeds every unit m of the next layer, so its gradient sums one "
            "term per unit it feeds: ", Math(units.partial(loss, out)), "$ = $", Math(feeds), ". Then ",
            Math(units.partial(loss, z)), "$ = $", Math(product_of([units.partial(loss, out), fn.prime(sigma)])),
            ", and ", Math(fn.prime(sigma)), "$ = $", Math(product_of([sigma, difference(S.One, sigma)])), "$ = $",
            Math(product_of([out, difference(S.One, out)])), ".",
        )

    def _output_gradients(self, l: int, dz_next: list[Step]) -> list[Step]:
        """∂L/∂O⁽ˡ⁾ⱼ = Σₘ ∂L/∂z⁽ˡ⁺¹⁾ₘ·w⁽ˡ⁺¹⁾ⱼₘ, a sum over the units unit j feeds."""
        steps = []
        for j, (out, row) in enumerate(zip(self.outputs[l], self.w[l + 1]), start=1):
            terms = [(d.symbol, w.symbol) for d, w in zip(dz_next, row)]
            cells = sum(d * w for d, w in terms)
            mistakes = variants.missing_downstream_weight(sum(d for d, _ in terms))
            mistakes += variants.missing_paths(cells, [(f"The path through unit {m} of layer {l + 1}", d * w)
                                                       for m, (d, w) in enumerate(terms, start=1)])
            steps.append(self.b.step(f"dL_dO{l}_{j}", partial(name("L"), out.notation),
                                     sum_of([product_of(t) for t in terms]), cells, mistakes=mistakes))
        return steps

    def _preactivation_gradients(self, l: int, dO: list[Step]) -> list[Step]:
        """∂L/∂z⁽ˡ⁾ⱼ = ∂L/∂O⁽ˡ⁾ⱼ·O⁽ˡ⁾ⱼ(1 − O⁽ˡ⁾ⱼ)."""
        steps = []
        for j, (d, out, z) in enumerate(zip(dO, self.outputs[l], self.z[l]), start=1):
            o = out.symbol
            mistakes = variants.activation_derivative("sigmoid", d.symbol, o * (1 - o), pre_activation=z.symbol)
            steps.append(self.b.step(f"dL_dz{l}_{j}", partial(name("L"), z.notation),
                                     product_of([d.symbol, o, difference(S.One, o)]), d.symbol * o * (1 - o),
                                     mistakes=mistakes))
        return steps

    def _parameter_gradients(self, l: int, dz: list[Step]) -> None:
        """∂L/∂w⁽ˡ⁾ᵢⱼ = ∂L/∂z⁽ˡ⁾ⱼ·(input i), and ∂L/∂b⁽ˡ⁾ⱼ = ∂L/∂z⁽ˡ⁾ⱼ."""
        inputs = self.outputs[l - 1]
        for i, row in enumerate(self.w[l]):
            for w, d in zip(row, dz):
                self.b.step(f"dL_d{w.key}", partial(name("L"), w.notation), product_of([d.symbol, inputs[i].symbol]),
                            d.symbol * inputs[i].symbol, mistakes=variants.missing_input(d.symbol))
        for bias, d in zip(self.bias[l], dz):
            # each unit's error signal: 0 means a unit that does not learn (∂L/∂w is 0 too where an input is)
            self.b.step(f"dL_d{bias.key}", partial(name("L"), bias.notation), d.symbol, d.symbol, tags=[GRADIENT])


def build_network(doc: Doc, problem: str, decimals: int) -> Derivation:
    """The derivation of a ``[network]`` problem: forward pass, loss, backward pass unit by unit."""
    net = read_network(doc)
    b = Builder(symbolic=True)
    b.tag_following(HAND_WORKED)  # one computation, worked by hand throughout
    writer = _NetworkWriter(net, b)
    writer.givens()
    writer.forward()
    writer.backward()
    layers = "-".join(str(s) for s in net.sizes)
    description = (f"A {layers} network: sigmoid hidden layers, a softmax output and the cross-entropy loss "
                   "$L = −Σ yₘ log pₘ$; the backward pass unit by unit, down to every weight and bias.",)
    return b.build(problem=problem, kind="softmax", title=doc.text("title"), decimals=decimals,
                   description=description)


def build(doc: Doc, problem: str, decimals: int) -> Derivation:
    """A softmax problem: logits alone (``[softmax]``) or a network with a softmax output (``[network]``)."""
    doc.only_keys([*COMMON_KEYS, "softmax", "network", "parameters", "sample"])
    if doc.has("network"):
        return build_network(doc, problem, decimals)
    if doc.has("softmax"):
        return build_logits(doc, problem, decimals)
    raise doc.error("expected a [softmax] table (logits z and labels y) or a [network] table")
