"""The picture of a computational graph: inputs on the left, each node after the nodes it uses,
every edge a local derivative, and each path of the chain rule drawn in its own colour."""

from __future__ import annotations

from solver.derivation.figure import Diagram, Edge, Figure, Node, Route
from solver.derivation.model import Quantity
from solver.maths.notation import partial, superscript


def _shape_text(quantity: Quantity) -> tuple:
    """A scalar's value; otherwise where the quantity lives, ℝ³ or ℝ³ˣ²."""
    rows, cols = quantity.shape
    if quantity.is_scalar:
        return ("= ", quantity.values[0])
    if cols == 1:
        return (f"∈ ℝ{superscript(str(rows))}",)
    return (f"∈ ℝ{superscript(str(rows))}ˣ{superscript(str(cols))}",)


def _depths(order: list[str], parents: dict[str, list[str]]) -> dict[str, int]:
    """Each name's layer: inputs 0, a node one past the deepest name it uses."""
    depth: dict[str, int] = {}
    for node in order:
        depth[node] = 1 + max((depth.get(p, 0) for p in parents[node]), default=0)
    return depth


def picture(inputs: list[str], order: list[str], parents: dict[str, list[str]], quantities: dict[str, Quantity],
            found: dict[str, list[list[str]]], output: str) -> Figure:
    """The graph with its values, its edges' local derivatives and the paths asked for."""
    depth = _depths(order, parents)
    nodes = [Node(name, (quantities[name].notation.text,), depth.get(name, 0), _shape_text(quantities[name]))
             for name in [*inputs, *order]]
    on_a_path = {(path[i + 1], path[i]) for paths in found.values() for path in paths for i in range(len(path) - 1)}
    edges = []
    for node in order:
        for parent in parents[node]:
            name = partial(quantities[node].notation, quantities[parent].notation).text
            edges.append(Edge(parent, node, (name,) if (parent, node) in on_a_path else ()))
    routes = []
    for variable, paths in found.items():
        several = len(found) > 1
        for k, path in enumerate(paths, start=1):
            route = tuple(reversed(path))
            text = " → ".join(quantities[n].notation.text for n in route)
            head = f"∂{quantities[output].notation.text}/∂{quantities[variable].notation.text}, " if several else ""
            routes.append(Route(route, (f"{head}path {k}: {text}",)))
    count = sum(len(p) for p in found.values())
    caption = (f"The graph: each edge a local derivative, and the {count} path{'s' if count > 1 else ''} "
               "of the chain rule in colour.")
    return Figure("graph", caption, Diagram(tuple(nodes), tuple(edges), tuple(routes)))
