"""The decision regions of a hand-built classifier of two inputs: the plane shaded by the class the
network gives it, the target's regions outlined, the listed points in their target class.

When the units that read the inputs are step or sign units reading only the inputs, the network's
class is constant on each cell their lines cut the plane into, so the shading is exact: each cell
is a polygon found exactly and coloured by the network's class at a point inside it.  Otherwise
(a ReLU reads the inputs) the class is sampled at the centres of a grid of small squares, and the
caption says so.
"""

from __future__ import annotations

from fractions import Fraction

from solver.derivation.figure import Area, Figure, Line, Plot, Point, Segment, View
from solver.kinds.network_problem import Network
from solver.kinds.network_regions import network_class
from solver.maths import convex_cells

#: Squares per side of the sampling grid, where the class is not constant on known cells.
GRID = 40


def picture(network: Network) -> Figure | None:
    """The decision regions in the plane, or None when the network does not classify two inputs."""
    if len(network.inputs) != 2 or not network.classifies:
        return None
    view = _view(network)
    lines = _unit_lines(network)
    rectangle = ((view.x_min, view.y_min), (view.x_max, view.y_min), (view.x_max, view.y_max),
                 (view.x_min, view.y_max))
    pieces = convex_cells.cells(rectangle, [line for _, line in lines]) if lines is not None else _grid(view)
    classes = sorted({network_class(network, convex_cells.inside(piece)) for piece in pieces}
                     | {p.target for p in network.points})
    marks: list = [Area(piece, (f"the network's class {_text(cls)}",), _tone(cls, classes))
                   for piece in pieces for cls in (network_class(network, convex_cells.inside(piece)),)]
    for _name, (a, b, c) in lines or ():
        marks.append(Line((a, b, c), (f"{_name}: z = 0",), "plain", dashed=True))
    for region in network.regions:
        corners = region.polygon
        marks += [Segment(p, q, (), "boundary") for p, q in zip(corners, corners[1:] + corners[:1])]
    for point in network.points:
        wrong = network_class(network, point.x) != point.target
        marks.append(Point(point.x, (point.name + (" ✗" if wrong else ""),), _tone(point.target, classes),
                           point.name, legend=f"target class {_text(point.target)}"))
    how = ("exactly, cell by cell of the input units' lines (dashed)" if lines is not None
           else f"sampled at the centres of a {GRID}×{GRID} grid")
    caption = (f"The network's decision regions, shaded by its class ({how})"
               + (", the target regions outlined" if network.regions else "")
               + ", and the points in their target class (✗ where the network's class differs).")
    x1, x2 = network.inputs
    return Figure("decision-regions", caption, Plot(tuple(marks), view, x1, x2, equal_aspect=True))


def _unit_lines(network: Network) -> list[tuple[str, convex_cells.LineCoefficients]] | None:
    """Each input-reading unit's line, when all of them are step or sign units reading only the inputs."""
    inputs = set(network.inputs)
    found = []
    for unit in network.units:
        sources = {s for s, _ in unit.weights}
        if not sources & inputs:
            continue
        if unit.activation not in ("step", "sign") or not sources <= inputs:
            return None
        weights = dict(unit.weights)
        a, b = weights.get(network.inputs[0], Fraction(0)), weights.get(network.inputs[1], Fraction(0))
        if a != 0 or b != 0:
            found.append((unit.name, (a, b, unit.bias)))
    return found


def _grid(view: View) -> list[convex_cells.Polygon]:
    """Squares of a GRID×GRID grid over the view, each row's run of one class left to the shading."""
    dx, dy = (view.x_max - view.x_min) / GRID, (view.y_max - view.y_min) / GRID
    squares = []
    for i in range(GRID):
        for j in range(GRID):
            x0, y0 = view.x_min + i * dx, view.y_min + j * dy
            squares.append(((x0, y0), (x0 + dx, y0), (x0 + dx, y0 + dy), (x0, y0 + dy)))
    return squares


def _view(network: Network) -> View:
    """Every point and region corner with room around them: a quarter of the spread, at least one unit."""
    every = [p.x for p in network.points] + [c for region in network.regions for c in region.polygon]
    bounds = []
    for axis in (0, 1):
        low, high = min(c[axis] for c in every), max(c[axis] for c in every)
        pad = max((high - low) / 4, Fraction(1))
        bounds += [low - pad, high + pad]
    return View(*bounds)


def _tone(cls: Fraction, classes: list[Fraction]) -> str:
    """The highest class is drawn as +1 is elsewhere, the others as −1 (a 0/1 classifier's 0 too)."""
    return "positive" if cls == classes[-1] else "negative" if cls == classes[0] else "other"


def _text(value: Fraction) -> str:
    return str(value).replace("-", "−")
