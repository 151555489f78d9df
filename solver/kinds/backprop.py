"""Backpropagation and gradient-descent updates of a small fully-connected network.

Reads the network, its initial parameters and its training samples from a problem file, and
writes out every update the way a worked solution does: the forward pass, the loss, the
backward pass layer by layer, and the update of every parameter, each as a keyed step.  The problem
file is read in :mod:`~solver.kinds.backprop_network`.
"""

from __future__ import annotations

import sympy
from sympy import Rational, S

from solver.derivation import mistakes as variants
from solver.derivation.builder import Builder, cells_of
from solver.derivation.model import (
    GRADIENT,
    HAND_WORKED,
    KINK,
    Derivation,
    Math,
    Quantity,
    Step,
    Value,
    distinct,
)
from solver.kinds import backprop_figures
from solver.kinds.backprop_network import Network, describe, read_network
from solver.maths import functions as fn
from solver.maths.display import difference, minus, product_of, sum_of
from solver.maths.notation import Notation, for_sample, name, partial
from solver.reading.problem_file import Doc

# --- writing the derivation --------------------------------------------------------------------


def _flatten(expr: sympy.Basic) -> sympy.Basic:
    """Merge nested unevaluated sums and products, keeping the order of their terms."""
    if not expr.args:
        return expr
    args = [_flatten(a) for a in expr.args]
    if expr.func in (sympy.Add, sympy.Mul):
        merged = []
        for a in args:
            merged.extend(a.args if a.func is expr.func else [a])
        return expr.func(*merged, evaluate=False)
    return expr.func(*args, evaluate=False) if expr.is_Function else expr.func(*args)





class _Writer:
    """Writes the steps of every update of one network into a builder."""

    def __init__(self, net: Network, builder: Builder) -> None:
        self.net = net
        self.b = builder
        self.scalar = net.is_scalar
        self.L = net.depth
        self.expansions: dict[sympy.Symbol, sympy.Basic] = {}
        self.chain: dict[sympy.Symbol, tuple] = {}
        self.eta: Quantity | None = None
        self.previous: dict | None = None
        #: ŷ − y of the sample being worked (None across a batch): a gradient written as it is a named slip.
        self.error: sympy.Matrix | None = None
        self.updates = 0
        self.losses: list[Step] = []

    # notation ---------------------------------------------------------------------------------

    def _name(self, base: str, layer: int | None = None, *, hat: bool = False, sample: int | None = None) -> Notation:
        notation = name(base, layer, hat=hat)
        return for_sample(notation, sample) if sample else notation

    def _param_name(self, letter: str, layer: int) -> Notation:
        return name(letter.lower() if self.scalar or letter == "b" else letter, layer)

    def _grad_name(self, wrt: Notation, sample: int | None) -> Notation:
        return partial(self._name("L", sample=sample), wrt)

    # display helpers --------------------------------------------------------------------------

    def _elementwise(self, *factors: sympy.Basic) -> sympy.Basic:
        return product_of(factors) if self.scalar else fn.hadamard(*factors)

    def _one(self, like: sympy.Basic) -> sympy.Basic:
        return S.One if self.scalar else fn.ones_like(like)

    def _T(self, symbol: sympy.Basic) -> sympy.Basic:
        return symbol if self.scalar else fn.transpose(symbol)

    def _expand(self, formula: sympy.Basic) -> sympy.Basic | None:
        """The formula with backward quantities replaced by their own formulas (the chain written out)."""
        if not self.scalar:
            return None
        with sympy.evaluate(False):
            expanded = formula.xreplace(self.expansions)
        expanded = _flatten(expanded)
        return None if expanded == formula else expanded

    def _backward(self, key: str, notation: Notation, formula: sympy.Basic, cells, mistakes=(), tags=()) -> Step:
        step = self.b.step(key, notation, formula, cells, expanded=self._expand(formula), mistakes=mistakes, tags=tags)
        if self.scalar:
            self.expansions[step.symbol] = step.expanded if step.expanded is not None else formula
        return step

    # activations ------------------------------------------------------------------------------

    def _activate(self, activation: str, z: sympy.Matrix) -> sympy.Matrix:
        if activation == "identity":
            return z
        if activation == "relu":
            return z.applyfunc(fn.relu)
        if activation == "leaky_relu":
            return z.applyfunc(lambda v: fn.leaky_relu(v, self.net.leaky_slope))
        if activation == "sigmoid":
            return z.applyfunc(fn.sigmoid)
        if activation == "tanh":
            return z.applyfunc(sympy.tanh)
        exps = z.applyfunc(sympy.exp)
        total = sum(exps)
        return exps.applyfunc(lambda e: e / total)

    def _activate_display(self, activation: str, z: sympy.Basic) -> sympy.Basic:
        return {
            "identity": lambda: z,
            "relu": lambda: fn.relu(z),
            "leaky_relu": lambda: fn.leaky_relu(z, self.net.leaky_slope),
            "sigmoid": lambda: fn.sigmoid(z),
            "tanh": lambda: sympy.tanh(z),
            "softmax": lambda: fn.softmax(z),
        }[activation]()

    def _derivative(self, activation: str, z: Quantity, a: Quantity, at_zero=None, note=True):
        """f′(z) per cell and for display, written through the activation a where that is the custom."""
        zc, ac = cells_of(z), cells_of(a)
        h0 = self.net.relu_prime_at_zero if at_zero is None else at_zero
        slope = self.net.leaky_slope
        if activation == "identity":
            return zc.applyfunc(lambda v: S.One), S.One
        if activation == "relu":
            if note:
                self._note_zero(z, "ReLU")
            return zc.applyfunc(lambda v: fn.relu_prime(v, h0)), fn.relu_prime(z.symbol, h0)
        if activation == "leaky_relu":
            if note:
                self._note_zero(z, "LeakyReLU")
            return (zc.applyfunc(lambda v: fn.leaky_relu_prime(v, slope, h0)),
                    fn.leaky_relu_prime(z.symbol, slope, h0))
        if activation == "sigmoid":
            return ac.applyfunc(lambda v: v * (1 - v)), self._elementwise(
                a.symbol, difference(self._one(a.symbol), a.symbol))
        return ac.applyfunc(lambda v: 1 - v**2), sum_of([
            self._one(a.symbol), minus(sympy.Pow(a.symbol, 2, evaluate=False) if self.scalar
                                        else fn.hadamard(a.symbol, a.symbol))])

    def _note_zero(self, z: Quantity, function: str) -> None:
        for cell, value in zip(z.cells, z.values):
            if value.exact is not None and value.exact == 0:
                self.b.note(
                    Math(cell),
                    f"$ = 0$ exactly, so the derivative of {function} there is taken as ",
                    Math(self.net.relu_prime_at_zero),
                    " (set network.relu_prime_at_zero to change this convention).",
                )

    # one sample --------------------------------------------------------------------------------

    def forward(self, prefix: str, x: Quantity, y: Quantity, sample: int | None, params) -> dict:
        net, out = self.net, {}
        a_prev = x
        for layer in range(1, self.L + 1):
            W, bias = params[layer]
            if net.layout == "in_out" and not self.scalar:
                affine = lambda w, c: cells_of(a_prev) * cells_of(w) + cells_of(c)  # noqa: E731
                display = sum_of([product_of([a_prev.symbol, W.symbol]), bias.symbol])
            else:
                affine = lambda w, c: cells_of(w) * cells_of(a_prev) + cells_of(c)  # noqa: E731
                display = sum_of([product_of([W.symbol, a_prev.symbol]), bias.symbol])
            mistakes = []
            if self.previous is not None:
                mistakes += variants.stale_weight(affine(*self.previous[layer]))
            activation = net.activations[layer - 1]
            z = self.b.step(f"{prefix}z{layer}", self._name("z", layer, sample=sample), display,
                            affine(W, bias), mistakes=mistakes,
                            tags=[KINK] if activation in ("relu", "leaky_relu") else [])
            last = layer == self.L
            key = f"{prefix}yhat" if last else f"{prefix}a{layer}"
            notation = self._name("y", hat=True, sample=sample) if last else self._name("a", layer, sample=sample)
            a = self.b.step(key, notation, self._activate_display(activation, z.symbol),
                            self._activate(activation, cells_of(z)),
                            tags=[distinct(key)] if activation == "softmax" else [])
            out[f"z{layer}"], out[f"a{layer}"] = z, a
            a_prev = a
        out["loss"] = self._loss(prefix, out[f"a{self.L}"], y, sample)
        return out

    def _loss(self, prefix: str, yhat: Quantity, y: Quantity, sample: int | None) -> Step:
        loss, k = self.net.loss, len(y.cells)
        pairs = list(zip(yhat.cells, y.cells))
        if loss in ("half_mse", "mse"):
            terms = [sympy.Pow(difference(p, t), 2, evaluate=False) for p, t in pairs]
            scale = Rational(1, 2) if loss == "half_mse" else Rational(1, k)
            cells = scale * sum((p - t) ** 2 for p, t in pairs)
        elif loss == "cross_entropy":
            terms = [product_of([t, sympy.log(p, evaluate=False)]) for p, t in pairs]
            cells = -sum(t * sympy.log(p) for p, t in pairs)
            scale = S.NegativeOne
        else:
            terms = [sum_of([product_of([t, sympy.log(p, evaluate=False)]),
                          product_of([difference(S.One, t), sympy.log(difference(S.One, p), evaluate=False)])])
                     for p, t in pairs]
            cells = -sum(t * sympy.log(p) + (1 - t) * sympy.log(1 - p) for p, t in pairs) / k
            scale = S.NegativeOne if k == 1 else Rational(-1, k)
        body = sum_of(terms)
        display = body if scale == 1 else product_of([scale, body])
        if loss == "half_mse":
            mistakes = variants.squared_error_loss(cells)
        elif loss in ("cross_entropy", "binary_cross_entropy"):
            mistakes = variants.cross_entropy_loss(cells)
        else:
            mistakes = []
        return self.b.step(f"{prefix}loss", self._name("L", sample=sample), _flatten(display), cells,
                           mistakes=mistakes)

    def backward(self, prefix: str, x: Quantity, y: Quantity, sample: int | None, params, fwd: dict) -> dict:
        net, grads = self.net, {}
        yhat = fwd[f"a{self.L}"]
        k = len(y.cells)
        p, t = cells_of(yhat), cells_of(y)
        self.error = p - t
        if net.loss == "half_mse":
            cells, display = p - t, difference(yhat.symbol, y.symbol)
        elif net.loss == "mse":
            cells = (p - t) * Rational(2, k)
            display = difference(yhat.symbol, y.symbol)
            if k != 2:
                display = product_of([Rational(2, k), display])
        elif net.loss == "cross_entropy":
            cells = sympy.Matrix(*p.shape, [-ti / pi for pi, ti in zip(p, t)])
            display = minus(fn.hadamard_div(y.symbol, yhat.symbol))
        else:
            cells = sympy.Matrix(*p.shape, [(-ti / pi + (1 - ti) / (1 - pi)) / k for pi, ti in zip(p, t)])
            one = self._one(y.symbol)
            div = (lambda u, v: product_of([u, sympy.Pow(v, -1, evaluate=False)])) if self.scalar else fn.hadamard_div
            display = sum_of([minus(div(y.symbol, yhat.symbol)),
                           div(difference(one, y.symbol), difference(one, yhat.symbol))])
            if k > 1:
                display = product_of([Rational(1, k), display])
        if net.loss == "half_mse":
            mistakes = variants.squared_error_gradient(cells)
        elif net.loss == "cross_entropy":
            mistakes = variants.cross_entropy_gradient(cells)
        else:
            mistakes = variants.prediction_error(cells)
        dyhat = self._backward(f"{prefix}dL_dyhat", self._grad_name(yhat.notation, sample), display, cells,
                               mistakes)

        delta = self._output_delta(prefix, sample, fwd, y, dyhat)
        for layer in range(self.L, 0, -1):
            a_prev = fwd[f"a{layer - 1}"] if layer > 1 else x
            W, _ = params[layer]
            grads[layer] = self._layer_gradients(prefix, sample, layer, delta, a_prev, params)
            if layer > 1:
                delta = self._hidden_layer(prefix, sample, layer, fwd, delta, W, grads)
        return grads

    def _hidden_layer(self, prefix, sample, layer: int, fwd: dict, delta: Step, W: Quantity, grads) -> Step:
        """∂L/∂a and δ of the hidden layer below ``layer``, from δ of ``layer``."""
        if self.net.layout == "in_out" and not self.scalar:
            product = lambda w: cells_of(delta) * w.T  # noqa: E731
            display = product_of([delta.symbol, self._T(W.symbol)])
        else:
            product = lambda w: w.T * cells_of(delta)  # noqa: E731
            display = product_of([delta.symbol, W.symbol]) if self.scalar else product_of([self._T(W.symbol), delta.symbol])
        cells = product(cells_of(W))
        mistakes = []
        if delta.shape == cells.shape:
            mistakes += variants.missing_downstream_weight(cells_of(delta))
        if self.net.batch_length == 1:
            dW = grads[layer][0]
            updated = cells_of(W) - self.eta.cells[0] * cells_of(dW)
            mistakes += variants.updated_weight_in_backward(product(updated))
        mistakes += self._output_error(cells)
        a = fwd[f"a{layer - 1}"]
        da = self._backward(f"{prefix}dL_da{layer - 1}", self._grad_name(a.notation, sample), display, cells,
                            mistakes)
        return self._through_activation(
            f"{prefix}delta{layer - 1}", self._name("delta", layer - 1, sample=sample),
            self.net.activations[layer - 2], fwd[f"z{layer - 1}"], a, da, downstream=delta,
        )

    def _output_delta(self, prefix: str, sample, fwd: dict, y: Quantity, dyhat: Step) -> Step:
        net, L = self.net, self.L
        z, yhat = fwd[f"z{L}"], fwd[f"a{L}"]
        key, notation = f"{prefix}delta{L}", self._name("delta", L, sample=sample)
        p, t = cells_of(yhat), cells_of(y)
        if net.loss == "cross_entropy":
            total = sympy.Add(*(v.exact for v in y.values), evaluate=True)
            if total == 1:
                display, cells = difference(yhat.symbol, y.symbol), p - t
            else:
                self.b.note("The targets do not sum to 1, so $∂L/∂z$ is $ŷ·Σy − y$, not the usual $ŷ − y$.")
                display = sum_of([product_of([sum_of(y.cells), yhat.symbol]), minus(y.symbol)])
                cells = p * sum(t) - t
        elif net.loss == "binary_cross_entropy":
            k = len(y.cells)
            display = difference(yhat.symbol, y.symbol)
            display, cells = (display if k == 1 else product_of([Rational(1, k), display])), (p - t) / k
        elif net.activations[-1] == "softmax":
            g = cells_of(dyhat)
            n = len(p)
            cells = sympy.Matrix(*p.shape, [
                sum(g[i] * p[i] * ((1 if i == j else 0) - p[j]) for i in range(n)) for j in range(n)])
            display = (product_of([dyhat.symbol, fn.softmax_jacobian(yhat.symbol)]) if net.layout == "in_out"
                       else product_of([fn.softmax_jacobian(yhat.symbol), dyhat.symbol]))
            diagonal = sympy.Matrix(*p.shape, [g[j] * p[j] * (1 - p[j]) for j in range(n)])
            mistakes = [*variants.prediction_error(cells), *variants.through_softmax_jacobian(diagonal)]
            return self._backward(key, notation, display, cells, mistakes)
        else:
            return self._through_activation(key, notation, net.activations[-1], z, yhat, dyhat)
        return self._backward(key, notation, display, cells, variants.prediction_error(cells))

    def _through_activation(self, key, notation, activation, z, a, upstream: Step, downstream=None) -> Step:
        """δ = upstream ⊙ f′(z), with the chain-rule slips a student can make at this step."""
        derivative_cells, derivative = self._derivative(activation, z, a)
        times = lambda u, d: sympy.Matrix(*u.shape, [x * y for x, y in zip(u, d)])  # noqa: E731
        cells = times(cells_of(upstream), derivative_cells)
        factors = derivative.args if derivative.func is fn.hadamard else (derivative,)
        display = upstream.symbol if derivative == 1 else self._elementwise(upstream.symbol, *factors)
        relu_at_one = None
        if activation in ("relu", "leaky_relu") and self.net.relu_prime_at_zero != 1:
            # first: at a pre-activation of exactly 0 it is the more specific reading of the slip
            at_one, _ = self._derivative(activation, z, a, at_zero=S.One, note=False)
            relu_at_one = times(cells_of(upstream), at_one)
        mistakes = variants.activation_derivative(activation, cells_of(upstream), derivative_cells,
                                                  relu_at_one=relu_at_one, pre_activation=cells_of(z))
        if downstream is not None and downstream.shape == upstream.shape:
            mistakes += variants.missing_downstream_weight(times(cells_of(downstream), derivative_cells))
            mistakes += self._output_error(cells)
        else:
            mistakes += variants.prediction_error(cells)
        step = self._backward(key, notation, _flatten(display), cells, mistakes)
        self.chain[step.symbol] = (upstream, mistakes)
        return step

    def _output_error(self, like: sympy.Matrix) -> list:
        """ŷ − y in place of a quantity of its shape: every chain-rule factor after the output left out."""
        return variants.output_error(self.error) if self.error is not None and self.error.shape == like.shape else []

    def _layer_gradients(self, prefix, sample, layer, delta: Step, a_prev: Quantity, params) -> tuple[Step, Step]:
        W, bias = params[layer]
        inputs = cells_of(a_prev)
        if self.scalar:
            outer = lambda d, a=inputs: d * a  # noqa: E731
            display = product_of([delta.symbol, a_prev.symbol])
        elif self.net.layout == "in_out":
            outer = lambda d, a=inputs: a.T * d  # noqa: E731
            display = product_of([self._T(a_prev.symbol), delta.symbol])
        else:
            outer = lambda d, a=inputs: d * a.T  # noqa: E731
            display = product_of([delta.symbol, self._T(a_prev.symbol)])
        cells = outer(cells_of(delta))
        # the slips made in δ itself, carried into the gradient
        upstream, delta_mistakes = self.chain.get(delta.symbol, (None, []))
        slips = [m for m in delta_mistakes if m.id in ("missing_factor", "sigmoid_prime_of_z")]
        dW_mistakes = [variants.variant(m.id, m.diagnosis, outer(sympy.Matrix(*delta.shape, m.cell_formulas)))
                       for m in slips]
        # the inputs left out: δ in every row (or column) of the gradient
        dW_mistakes = variants.missing_input(outer(cells_of(delta), sympy.ones(*inputs.shape))) + dW_mistakes
        dW = self._backward(f"{prefix}dL_dW{layer}", self._grad_name(W.notation, sample), display, cells,
                            dW_mistakes + self._output_error(cells))
        # ∂L/∂b is each unit's error signal in the update (a batch's is its mean, tagged there): 0 means a
        # dead unit; ∂L/∂W may be 0 where an input is, which is the problem's design, not a degenerate draw
        db = self._backward(f"{prefix}dL_db{layer}", self._grad_name(bias.notation, sample), delta.symbol,
                            cells_of(delta), slips + self._output_error(cells_of(delta)),
                            [GRADIENT] if sample is None else [])
        return dW, db

    # one update --------------------------------------------------------------------------------

    def update(self, k: int, epoch: int, batch, params, eta: Quantity) -> dict:
        net = self.net
        title = f"Update {k}" + (f" (epoch {epoch})" if net.epochs > 1 else "")
        in_batch = net.batch_length > 1
        per_sample = []
        for j, (x_value, y_value) in enumerate(batch, start=1):
            prefix = f"s{k}.sample{j}." if in_batch else f"s{k}."
            sample = j if in_batch else None
            where = f" · sample {j} of {len(batch)}" if in_batch else ""
            context = f"in update {k}" + (f", sample {j}" if in_batch else "")
            self.b.section(f"{title}{where} · forward pass", context)
            x = self.b.given(f"{prefix}x", self._name("x", sample=sample), x_value)
            y = self.b.given(f"{prefix}y", self._name("y", sample=sample), y_value)
            fwd = self.forward(prefix, x, y, sample, params)
            self.b.section(f"{title}{where} · backward pass", context)
            self.expansions = {}
            per_sample.append((fwd, self.backward(prefix, x, y, sample, params, fwd)))

        if in_batch:
            self.error = None
            grads = self._batch_mean(k, title, per_sample)
        else:
            grads = per_sample[0][1]
            self.losses.append(per_sample[0][0]["loss"])
        return self._apply(k, title, grads, params, eta)

    def _batch_mean(self, k: int, title: str, per_sample) -> dict:
        self.b.section(f"{title} · batch mean over {len(per_sample)} samples", f"in update {k}, the batch mean")
        n = len(per_sample)

        def mean(key: str, notation: Notation, steps: list[Step], tags=()) -> Step:
            display = product_of([Rational(1, n), sum_of((s.symbol for s in steps))]) if n > 1 else steps[0].symbol
            total = sum((cells_of(s) for s in steps), sympy.zeros(*steps[0].shape))
            mistakes = variants.batch_mean(total) if n > 1 else []
            return self.b.step(key, notation, display, total / n, mistakes=mistakes, tags=tags)

        self.losses.append(mean(f"s{k}.loss", name("L"), [fwd["loss"] for fwd, _ in per_sample]))
        grads = {}
        for layer in range(self.L, 0, -1):
            dW = mean(f"s{k}.dL_dW{layer}", self._grad_name(self._param_name("W", layer), None),
                      [g[layer][0] for _, g in per_sample])
            db = mean(f"s{k}.dL_db{layer}", self._grad_name(self._param_name("b", layer), None),
                      [g[layer][1] for _, g in per_sample], tags=(GRADIENT,))
            grads[layer] = (dW, db)
        return grads

    def _apply(self, k: int, title: str, grads: dict, params: dict, eta: Quantity) -> dict:
        self.b.section(f"{title} · parameter update", f"after update {k}")
        new_params, rows = {}, []
        every_gradient = [g for layer in range(1, self.L + 1) for g in grads[layer]]
        rate = eta.cells[0]
        for layer in range(1, self.L + 1):
            updated = []
            for index, (old, grad) in enumerate(zip(params[layer], grads[layer])):
                letter = "W" if index == 0 else "b"
                display = sum_of([old.symbol, minus(product_of([eta.symbol, grad.symbol]))])
                cells = cells_of(old) - rate * cells_of(grad)
                others = [(other.notation.text, cells_of(other)) for other in every_gradient
                          if other is not grad and other.shape == grad.shape]
                error = self.error if self.error is not None and self.error.shape == grad.shape else None
                mistakes = variants.parameter_update(cells_of(old), rate, cells_of(grad), others, error,
                                                     grad.notation.text)
                new = self.b.step(f"s{k}.{letter}{layer}", old.notation, display, cells, relation="←",
                                  mistakes=mistakes)
                rows.append((Math(new.symbol), Value(old), Value(grad), Value(new)))
                updated.append(new)
            new_params[layer] = tuple(updated)
        self.b.table(f"Parameters in update {k}", ("Parameter", "Before", "Gradient", "After"), rows)
        if backprop_figures.drawn_after(k, self.updates):
            self.b.figure(backprop_figures.after_update(self.net, k, new_params, params))
        self.previous = params
        return new_params


def build(doc: Doc, problem: str, decimals: int) -> Derivation:
    """The full derivation of a backprop problem file."""
    net = read_network(doc)
    builder = Builder()
    writer = _Writer(net, builder)
    builder.section("Given")
    eta = builder.given("eta", name("eta"), net.learning_rate)
    writer.eta = eta
    params = {}
    for layer in range(1, net.depth + 1):
        params[layer] = (
            builder.given(f"s0.W{layer}", writer._param_name("W", layer), net.weights[layer - 1]),
            builder.given(f"s0.b{layer}", writer._param_name("b", layer), net.biases[layer - 1]),
        )
    builder.figure(backprop_figures.initial(net, params))
    batches = net.batches()
    writer.updates = len(batches)
    per_epoch = len(batches) // net.epochs
    if net.mode == "minibatch" and len(net.samples) % net.batch_size:
        builder.note(
            f"{len(net.samples)} samples do not divide into batches of {net.batch_size}: "
            f"the last batch of each epoch has {len(net.samples) % net.batch_size}."
        )
    # Formulas are built unevaluated: in textbook order, and without sympy's simplification work;
    # values come from the builder's own arithmetic.
    with sympy.evaluate(False):
        for k, batch in enumerate(batches, start=1):
            builder.tag_following(*((HAND_WORKED,) if k == 1 else ()))  # the first update is worked by hand
            params = writer.update(k, (k - 1) // per_epoch + 1, batch, params, eta)
    builder.tag_following()
    if len(writer.losses) > 1:
        builder.section("Training")
        builder.figure(backprop_figures.loss_curve(writer.losses, net.batch_length > 1))
    return builder.build(
        problem=problem, kind="backprop", title=doc.text("title"), decimals=decimals, description=(describe(net),)
    )
