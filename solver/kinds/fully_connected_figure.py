"""The picture of a fully-connected network: units in layers, each weight on its edge and each bias
under its unit; after an update, the new values, each edge marked by whether its weight rose or fell.
Shared by the kinds that hold a network (backprop, and the softmax network).
"""

from __future__ import annotations

from solver.derivation.figure import Diagram, Edge, Figure, Node
from solver.derivation.model import Scalar

#: Most edges between two layers that still get their weight written on them (16 × 16 would be a blur).
MAX_LABELLED_EDGES = 36

Weights = list[list[list[Scalar]]]  # per layer l ≥ 1: [i][j], from unit i of layer l − 1 to unit j
Biases = list[list[Scalar]]  # per layer l ≥ 1: [j]


def _tone(new: Scalar, old: Scalar | None) -> str:
    if old is None or new.approx == old.approx:
        return "plain"
    return "increase" if new.approx > old.approx else "decrease"


def network_picture(name: str, caption: str, titles: list[str], units: list[list[str]], weights: Weights,
                    biases: Biases, before: tuple[Weights, Biases] | None = None) -> Figure:
    """A layered diagram of the network; with ``before``, the values after an update coloured by change."""
    nodes, edges = [], []
    for layer, names in enumerate(units):
        for j, unit in enumerate(names):
            note = ("b = ", biases[layer - 1][j]) if layer else ()
            if layer and before is not None:
                old = before[1][layer - 1][j]
                note = ("b ← ", biases[layer - 1][j]) if old.approx != biases[layer - 1][j].approx else note
            nodes.append(Node(f"{layer}.{j}", (unit,), layer, note))
    for layer, matrix in enumerate(weights, start=1):
        labelled = len(matrix) * len(matrix[0]) <= MAX_LABELLED_EDGES
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                old = None if before is None else before[0][layer - 1][i][j]
                edges.append(Edge(f"{layer - 1}.{i}", f"{layer}.{j}", (value,) if labelled else (), _tone(value, old)))
    return Figure(name, caption, Diagram(tuple(nodes), tuple(edges), layer_titles=tuple(titles)))
