"""A backprop problem file: the network, its initial parameters, its training samples and how they
are batched, read exactly and checked against the limits that keep the derivation printable.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Rational, S

from solver.errors import InputError
from solver.kinds import COMMON_KEYS
from solver.reading.problem_file import Doc, shown

ACTIVATIONS = ("identity", "relu", "leaky_relu", "sigmoid", "tanh", "softmax")
LOSSES = ("half_mse", "mse", "cross_entropy", "binary_cross_entropy")
MODES = ("sgd", "minibatch", "batch")
LAYOUTS = ("in_out", "out_in")

MAX_LAYERS = 6
MAX_UNITS = 16
MAX_SAMPLES = 64
MAX_EPOCHS = 20
MAX_SAMPLE_PASSES = 200
#: Most forward passes × parameters: the derivation writes every element of every step, and a
#: few thousand of them is already far more than any worked solution shows.
MAX_WORK = 10_000

_LOSS_WORDS = {
    "half_mse": "$½‖ŷ − y‖²$",
    "mse": "mean squared error",
    "cross_entropy": "cross-entropy $−Σ y log ŷ$",
    "binary_cross_entropy": "binary cross-entropy",
}


@dataclass(frozen=True)
class Network:
    """A backprop problem as read from its file, with every number exact."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    layout: str
    leaky_slope: sympy.Basic
    relu_prime_at_zero: sympy.Basic
    learning_rate: sympy.Basic
    mode: str
    batch_size: int
    epochs: int
    weights: tuple[sympy.Matrix, ...]
    biases: tuple[sympy.Matrix, ...]
    samples: tuple[tuple[sympy.Matrix, sympy.Matrix], ...]

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1

    @property
    def is_scalar(self) -> bool:
        """Every layer has one unit: formulas are written with scalars, w₁·x + b₁."""
        return all(size == 1 for size in self.sizes)

    def vector_shape(self, size: int) -> tuple[int, int]:
        return (1, size) if self.layout == "in_out" else (size, 1)

    def weight_shape(self, layer: int) -> tuple[int, int]:
        n_in, n_out = self.sizes[layer - 1], self.sizes[layer]
        return (n_in, n_out) if self.layout == "in_out" else (n_out, n_in)

    @property
    def batch_length(self) -> int:
        """Samples per update (the last batch of an epoch may have fewer)."""
        return {"sgd": 1, "minibatch": self.batch_size, "batch": len(self.samples)}[self.mode]

    def batches(self) -> list[list[tuple[sympy.Matrix, sympy.Matrix]]]:
        """The samples of each update, in order, across all epochs."""
        size = self.batch_length
        per_epoch = [list(self.samples[i : i + size]) for i in range(0, len(self.samples), size)]
        return per_epoch * self.epochs


# --- reading the problem file ------------------------------------------------------------------


def read_network(doc: Doc) -> Network:
    """The network, initial parameters and training schedule from a problem file."""
    doc.only_keys([*COMMON_KEYS, "network", "initial", "training"])
    network = doc.table("network")
    network.only_keys(["layers", "activations", "loss", "layout", "leaky_relu_slope", "relu_prime_at_zero"])
    sizes = network.raw("layers")
    if not isinstance(sizes, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
        raise network.error("expected an array of layer sizes, input first, e.g. [1, 1, 1]", "layers")
    if not 2 <= len(sizes) <= MAX_LAYERS + 1:
        raise network.error(f"expected 2 to {MAX_LAYERS + 1} layer sizes, got {len(sizes)}", "layers")
    if not all(1 <= s <= MAX_UNITS for s in sizes):
        raise network.error(f"every layer needs 1 to {MAX_UNITS} units", "layers")
    activations = network.raw("activations")
    if not isinstance(activations, list) or len(activations) != len(sizes) - 1:
        raise network.error(
            f"expected {len(sizes) - 1} activation names, one per layer after the input", "activations"
        )
    for i, activation in enumerate(activations):
        if activation not in ACTIVATIONS:
            raise InputError(
                f"{shown(activation)} is not one of {', '.join(ACTIVATIONS)}", path=f"network.activations[{i + 1}]"
            )
    if "softmax" in activations[:-1]:
        raise network.error("softmax is allowed on the output layer only", "activations")
    loss = network.text("loss", choices=LOSSES)
    output = activations[-1]
    if output == "softmax" and sizes[-1] < 2:
        raise network.error("a softmax output needs at least two units", "activations")
    if loss == "cross_entropy" and output != "softmax":
        raise network.error("cross_entropy needs a softmax output layer", "loss")
    if loss == "binary_cross_entropy" and output != "sigmoid":
        raise network.error("binary_cross_entropy needs a sigmoid output layer", "loss")
    layout = network.text("layout", "in_out", choices=LAYOUTS)
    slope = network.number("leaky_relu_slope", Rational(1, 100))
    at_zero = network.number("relu_prime_at_zero", S.Zero, minimum=0, maximum=1)

    training = doc.table("training")
    training.only_keys(["learning_rate", "mode", "batch_size", "epochs", "samples"])
    learning_rate = training.number("learning_rate", positive=True)
    mode = training.text("mode", "sgd", choices=MODES)
    batch_size = training.integer("batch_size", 1, minimum=1, maximum=MAX_SAMPLES)
    if training.has("batch_size") and mode != "minibatch":
        raise training.error('is used only with mode = "minibatch"', "batch_size")
    if mode == "minibatch" and not training.has("batch_size"):
        raise training.error('mode "minibatch" needs batch_size', "batch_size")
    epochs = training.integer("epochs", 1, minimum=1, maximum=MAX_EPOCHS)

    draft = Network(tuple(sizes), tuple(activations), loss, layout, slope, at_zero, learning_rate,
                    mode, batch_size, epochs, (), (), ())
    samples = []
    for sample in training.tables("samples", max_items=MAX_SAMPLES):
        sample.only_keys(["x", "y"])
        x = sample.matrix("x", draft.vector_shape(sizes[0]), f"{sizes[0]} inputs")
        probabilities = (0, 1) if loss in ("cross_entropy", "binary_cross_entropy") else (None, None)
        y = sample.matrix("y", draft.vector_shape(sizes[-1]), f"{sizes[-1]} targets",
                          minimum=probabilities[0], maximum=probabilities[1])
        samples.append((x, y))
    if len(samples) * epochs > MAX_SAMPLE_PASSES:
        raise training.error(
            f"{len(samples)} samples × {epochs} epochs is more than {MAX_SAMPLE_PASSES} forward passes", "epochs"
        )
    parameters = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:]))
    if len(samples) * epochs * parameters > MAX_WORK:
        raise training.error(
            f"{len(samples) * epochs} forward passes × {parameters} parameters is more than {MAX_WORK}: "
            "make the network or the training smaller", "samples"
        )

    initial = doc.table("initial")
    expected_keys = [f"{p}{l}" for l in range(1, len(sizes)) for p in ("W", "b")]
    initial.only_keys(expected_keys + [k.lower() for k in expected_keys if k.startswith("W")])
    weights, biases = [], []
    for layer in range(1, len(sizes)):
        if initial.has(f"W{layer}") and initial.has(f"w{layer}"):
            raise initial.error(f"is given twice, as W{layer} and w{layer}", f"w{layer}")
        key = f"W{layer}" if initial.has(f"W{layer}") or not initial.has(f"w{layer}") else f"w{layer}"
        shape = draft.weight_shape(layer)
        what = "inputs × units" if layout == "in_out" else "units × inputs"
        weights.append(initial.matrix(key, shape, f"{what}, layout {layout}"))
        biases.append(initial.matrix(f"b{layer}", draft.vector_shape(sizes[layer]), f"{sizes[layer]} units"))
    return Network(tuple(sizes), tuple(activations), loss, layout, slope, at_zero, learning_rate, mode,
                   batch_size, epochs, tuple(weights), tuple(biases), tuple(samples))


def describe(net: Network) -> str:
    """One sentence saying what network and training the problem sets."""
    layers = "-".join(str(s) for s in net.sizes)
    activations = ", ".join(net.activations)
    updates = len(net.batches())
    mode = {"sgd": "per-sample SGD", "minibatch": f"mini-batches of {net.batch_size}", "batch": "full batch"}
    formula = "$z = xW + b$" if net.layout == "in_out" else "$z = Wx + b$"
    return (
        f"A {layers} network (activations: {activations}; loss: {_LOSS_WORDS[net.loss]}), "
        f"trained by {mode[net.mode]} for {net.epochs} epoch{'s' if net.epochs > 1 else ''} "
        f"({updates} update{'s' if updates > 1 else ''}); layout {net.layout} ({formula})."
    )

