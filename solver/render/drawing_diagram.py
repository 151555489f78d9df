"""Drawing a layered diagram: nodes in columns from left to right, edges with their labels, and
routes through it (the paths of a chain rule) each in its own colour.

Within a column, nodes are ordered by where their sources are (their mean row), so edges cross
less; ties keep the order the kind gave.  Called by :mod:`solver.render.drawing` inside its fixed
matplotlib settings.
"""

from __future__ import annotations

import math
import re

from matplotlib.figure import Figure as Canvas
from matplotlib.lines import Line2D

from solver.derivation.figure import Diagram, Edge, Node
from solver.render.drawing import COLOURS, ROUTE_COLOURS, label_text

COLUMN = 2.6
ROW = 1.35
RADIUS = 0.36
#: Where along an edge its label sits, from the source: near it, so the labels of one source's
#: edges stay together and apart from the others'.
LABEL_AT = 0.3


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _columns(diagram: Diagram) -> list[list[Node]]:
    """Nodes by layer, each layer ordered by the mean row of its nodes' sources."""
    layers = max(n.layer for n in diagram.nodes) + 1
    columns: list[list[Node]] = [[] for _ in range(layers)]
    for node in diagram.nodes:
        columns[node.layer].append(node)
    row: dict[str, float] = {}
    sources: dict[str, list[str]] = {}
    for edge in diagram.edges:
        sources.setdefault(edge.target, []).append(edge.source)
    for column in columns:
        def place(item: tuple[int, Node]) -> tuple[float, int]:
            index, node = item
            known = [row[s] for s in sources.get(node.id, ()) if s in row]
            return (sum(known) / len(known) if known else index, index)

        if column and column[0].layer > 0:
            column[:] = [node for _, node in sorted(enumerate(column), key=place)]
        for i, node in enumerate(column):
            row[node.id] = i - (len(column) - 1) / 2
    return columns


def draw_diagram(diagram: Diagram, decimals: int) -> Canvas:
    """The diagram drawn on a fresh matplotlib figure."""
    columns = _columns(diagram)
    tallest = max(len(c) for c in columns)
    where = {node.id: (layer * COLUMN, -(i - (len(column) - 1) / 2) * ROW)
             for layer, column in enumerate(columns) for i, node in enumerate(column)}
    width = min(1.2 + 1.75 * len(columns), 11.0)
    height = min(1.3 + 1.05 * tallest + (0.25 * len(diagram.routes)), 11.0)
    canvas = Canvas(figsize=(width, height), dpi=100)
    axes = canvas.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_aspect("equal")
    top = (tallest - 1) / 2 * ROW + 1.0
    axes.set_xlim(-1.0, (len(columns) - 1) * COLUMN + 1.0)
    axes.set_ylim(-top - 0.6, top + 0.2)
    for edge in diagram.edges:
        _draw_edge(axes, edge, where, decimals)
    handles = [_draw_route(axes, k, route, len(diagram.routes), where, decimals)
               for k, route in enumerate(diagram.routes)]
    for layer, column in enumerate(columns):
        for node in column:
            _draw_node(axes, node, where[node.id], decimals)
        if layer < len(diagram.layer_titles):
            axes.text(layer * COLUMN, top - 0.15, diagram.layer_titles[layer], ha="center", va="top", fontsize=8.5,
                      color="#555555")
    if handles:
        axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncol=1, fontsize=8)
    return canvas


def _draw_node(axes, node: Node, at: tuple[float, float], decimals: int) -> None:
    from matplotlib.patches import Circle

    circle = Circle(at, RADIUS, facecolor="#f4f4f4", edgecolor="#333333", linewidth=1.1, zorder=4)
    circle.set_gid(f"node-{_safe(node.id)}")
    axes.add_patch(circle)
    axes.text(at[0], at[1], label_text(node.label, decimals), ha="center", va="center", fontsize=9.5, zorder=5)
    note = label_text(node.note, decimals)
    if note:
        axes.text(at[0], at[1] - RADIUS - 0.08, note, ha="center", va="top", fontsize=7.5, color="#333333", zorder=5)


def _ends(source: tuple[float, float], target: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The edge from circle to circle, not centre to centre."""
    dx, dy = target[0] - source[0], target[1] - source[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return (source[0] + ux * RADIUS, source[1] + uy * RADIUS), (target[0] - ux * RADIUS, target[1] - uy * RADIUS)


def _draw_edge(axes, edge: Edge, where: dict, decimals: int) -> None:
    start, end = _ends(where[edge.source], where[edge.target])
    colour = COLOURS[edge.tone] if edge.tone != "plain" else "#777777"
    arrow = axes.annotate("", end, xytext=start, zorder=2,
                          arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.0,
                                      "shrinkA": 0, "shrinkB": 0, "mutation_scale": 9})
    arrow.set_gid(f"edge-{_safe(edge.source)}-{_safe(edge.target)}")
    text = label_text(edge.label, decimals)
    if text:
        x = start[0] + LABEL_AT * (end[0] - start[0])
        y = start[1] + LABEL_AT * (end[1] - start[1])
        axes.text(x, y, text, ha="center", va="center", fontsize=7.5, color=colour if edge.tone != "plain" else "#222222",
                  zorder=6, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                  "alpha": 0.9})


def _draw_route(axes, k: int, route, count: int, where: dict, decimals: int) -> Line2D:
    """A path as a thick coloured band along its edges, offset so that paths sharing an edge both show."""
    colour = ROUTE_COLOURS[k % len(ROUTE_COLOURS)]
    shift = (k - (count - 1) / 2) * 0.09
    for i, (a, b) in enumerate(zip(route.nodes, route.nodes[1:])):
        start, end = _ends(where[a], where[b])
        dx, dy = end[0] - start[0], end[1] - start[1]
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length * shift, dx / length * shift
        (band,) = axes.plot([start[0] + nx, end[0] + nx], [start[1] + ny, end[1] + ny], color=colour, linewidth=3.2,
                            alpha=0.55, solid_capstyle="round", zorder=1)
        band.set_gid(f"route-{k + 1}-{i + 1}")
    return Line2D([], [], color=colour, linewidth=3.2, alpha=0.7, label=label_text(route.label, decimals))
