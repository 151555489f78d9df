"""The pictures of a backprop derivation: the network with its initial parameters, the network after
each update (while there are few updates), and the loss over the updates of the training."""

from __future__ import annotations

from decimal import Decimal

from sympy import Integer, Rational

from solver.derivation.figure import Curve, Figure, Plot, View
from solver.derivation.model import Quantity, Step
from solver.kinds.backprop_network import Network
from solver.kinds.fully_connected_figure import Biases, Weights, network_picture
from solver.maths.notation import name

#: Updates drawn one by one up to this many; past it, only the last one is.
MAX_UPDATE_PICTURES = 4

#: Most points of the loss curve that get their value written beside them.
MAX_LABELLED_POINTS = 12

_WORDS = {"identity": "identity", "relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "σ", "tanh": "tanh",
          "softmax": "softmax"}


def _parameters(net: Network, params: dict[int, tuple[Quantity, Quantity]]) -> tuple[Weights, Biases]:
    """Weights as [i][j] from unit i to unit j whatever the layout, and biases, per layer."""
    weights, biases = [], []
    for layer in range(1, net.depth + 1):
        W, b = params[layer]
        rows = W.rows()
        if net.layout == "out_in" and not net.is_scalar:
            rows = [list(column) for column in zip(*rows)]
        weights.append(rows)
        biases.append(list(b.values))
    return weights, biases


def _units(net: Network) -> list[list[str]]:
    """Each unit by the name of its element: x₁, a₁[2], ŷ₁ (x, a₁, ŷ in a 1-1-1 network)."""
    layers = []
    for layer, size in enumerate(net.sizes):
        notation = name("x") if layer == 0 else name("y", hat=True) if layer == net.depth else name("a", layer)
        layers.append([notation.text if size == 1 else notation.element(j).text for j in range(1, size + 1)])
    return layers


def _titles(net: Network) -> list[str]:
    hidden = [f"layer {l} · {_WORDS[a]}" for l, a in enumerate(net.activations[:-1], start=1)]
    return ["input", *hidden, f"output · {_WORDS[net.activations[-1]]}"]


def initial(net: Network, params: dict) -> Figure:
    weights, biases = _parameters(net, params)
    return network_picture("network", "The network: each weight on its edge, each bias under its unit.",
                           _titles(net), _units(net), weights, biases)


def drawn_after(k: int, updates: int) -> bool:
    """Whether update k gets a picture of the network after it."""
    return updates <= MAX_UPDATE_PICTURES or k == updates


def after_update(net: Network, k: int, new: dict, old: dict) -> Figure:
    weights, biases = _parameters(net, new)
    return network_picture(f"network-update{k}", f"The network after update {k}: weights that rose in green, "
                           "that fell in orange.", _titles(net), _units(net), weights, biases,
                           before=_parameters(net, old))


def loss_curve(losses: list[Step], batched: bool) -> Figure:
    """The loss of each update's sample (or batch mean), computed before that update."""
    values = [step.values[0] for step in losses]
    points = tuple((Integer(k), v.exact if v.is_rational else v.approx) for k, v in enumerate(values, start=1))
    top = max(v.approx for v in values)
    view = View(Rational(1, 2), Rational(2 * len(values) + 1, 2), Integer(0), top * Decimal("1.15") or Integer(1))
    labels = tuple((v,) for v in values) if len(values) <= MAX_LABELLED_POINTS else ()
    what = "batch's mean loss" if batched else "sample's loss"
    return Figure("loss", f"The loss over the training: each update's {what}, before the update.",
                  Plot((Curve(points, ("loss L",), point_labels=labels),), view, "update", "L", whole_x=True))
