"""Pictures as data: what a figure shows, declared by each kind and drawn by one renderer.

A kind describes a picture in the model's own terms — labelled points of a class, lines given by
their equations, rings, segments, curves; or a diagram of nodes in layers joined by labelled
edges — and never how it is drawn.  Coordinates are the derivation's exact numbers, so the
geometry of a picture can be checked from its data (a boundary's endpoints satisfy w·x + b = 0
exactly); labels hold values as :class:`~solver.derivation.model.Scalar` so each medium rounds
them at its own display precision.

Tones name what a mark is, not its colour: ``positive`` and ``negative`` (the classes),
``query``, ``boundary``, ``margin``, ``other`` (a second line for comparison), ``violator``
(inside a soft margin), ``increase`` and ``decrease`` (an updated weight), ``plain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sympy

from solver.derivation.model import Scalar

#: An exact coordinate (a sympy number), or a working-precision one where no closed form was kept.
Number = sympy.Expr | Decimal

#: Text with values in it, each rounded by the renderer: ``("w₁ = ", Scalar(…))``.
Label = tuple[str | Scalar, ...]

Coordinates = tuple[Number, Number]


@dataclass(frozen=True)
class Point:
    """A labelled point of a class (its tone); ``name`` identifies it (a support vector's ring names it too)."""

    at: Coordinates
    label: Label
    tone: str
    name: str = ""
    #: The legend's words for this kind of point, where the tone's own ("class +1") would not fit.
    legend: str = ""


@dataclass(frozen=True)
class Ring:
    """A circle around a point: the support vectors."""

    at: Coordinates
    name: str = ""


@dataclass(frozen=True)
class Line:
    """The line a·x + b·y + c = 0 (``coefficients`` = (a, b, c)) across the whole view; with b = 0,
    the vertical line x = −c/a (the boundary of a one-dimensional problem)."""

    coefficients: tuple[Number, Number, Number]
    label: Label
    tone: str
    dashed: bool = False

    def endpoints(self, view: View) -> tuple[Coordinates, Coordinates] | None:
        """Where the line enters and leaves the view, exactly (None when it misses it)."""
        a, b, c = self.coefficients
        x0, x1, y0, y1 = view.x_min, view.x_max, view.y_min, view.y_max
        found: list[Coordinates] = []
        if b != 0:
            for x in (x0, x1):
                y = -(a * x + c) / b
                if y0 <= y <= y1:
                    found.append((x, y))
        if a != 0:
            for y in (y0, y1):
                x = -(b * y + c) / a
                if x0 <= x <= x1:
                    found.append((x, y))
        distinct: list[Coordinates] = []
        for point in found:
            if all(sympy.simplify(point[0] - p[0]) != 0 or sympy.simplify(point[1] - p[1]) != 0 for p in distinct):
                distinct.append(point)
        if len(distinct) < 2:
            return None
        return (distinct[0], distinct[-1]) if len(distinct) == 2 else _farthest(distinct)


def _farthest(points: list[Coordinates]) -> tuple[Coordinates, Coordinates]:
    """The two points farthest apart (a line through a corner meets two edges there)."""
    pairs = [(p, q) for i, p in enumerate(points) for q in points[i + 1 :]]
    return max(pairs, key=lambda pq: float((pq[0][0] - pq[1][0]) ** 2 + (pq[0][1] - pq[1][1]) ** 2))


@dataclass(frozen=True)
class Segment:
    """A straight piece from ``start`` to ``end``, with a label at its middle; an arrow points at ``end``."""

    start: Coordinates
    end: Coordinates
    label: Label
    tone: str
    dashed: bool = False
    arrow: bool = False


@dataclass(frozen=True)
class Curve:
    """A polyline through points, each marked: a quantity over the updates of a training."""

    points: tuple[Coordinates, ...]
    label: Label
    tone: str = "plain"
    #: A label beside each point (its value), or none.
    point_labels: tuple[Label, ...] = ()


@dataclass(frozen=True)
class Area:
    """A filled polygon, its corners in order, shaded lightly in its tone: a region of one class.
    ``label`` is its legend entry (areas with the same label share one)."""

    corners: tuple[Coordinates, ...]
    label: Label
    tone: str


Mark = Point | Ring | Line | Segment | Curve | Area


@dataclass(frozen=True)
class View:
    """The part of the plane shown."""

    x_min: Number
    x_max: Number
    y_min: Number
    y_max: Number


@dataclass(frozen=True)
class Plot:
    """Marks in the plane, with named axes.  ``equal_aspect`` keeps distances and right angles true
    (margins, slacks); ``whole_x`` puts ticks only at whole numbers (update 1, 2, …)."""

    marks: tuple[Mark, ...]
    view: View
    x_label: str = ""
    y_label: str = ""
    equal_aspect: bool = False
    whole_x: bool = False
    #: A one-dimensional problem: only the x axis means anything.
    line_only: bool = False


@dataclass(frozen=True)
class Node:
    """A unit of a network or a node of a computational graph, in a layer (0 is drawn first, on the left)."""

    id: str
    label: Label
    layer: int
    note: Label = ()


@dataclass(frozen=True)
class Edge:
    """A labelled connection from one node to another."""

    source: str
    target: str
    label: Label = ()
    tone: str = "plain"


@dataclass(frozen=True)
class Route:
    """A path through a diagram, node by node, drawn in its own colour with a legend entry."""

    nodes: tuple[str, ...]
    label: Label


@dataclass(frozen=True)
class Diagram:
    """Nodes in layers from left to right, joined by edges; ``routes`` picks out paths through it."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    routes: tuple[Route, ...] = ()
    layer_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    """One picture: a name unique in its derivation (it names the picture's file), a caption, its content."""

    name: str
    caption: str
    body: Plot | Diagram
